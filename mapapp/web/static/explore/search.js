// Search places and events by name, in either language, with or without diacritics.
import { fold } from "./state.js";

const LIMIT = 8;
const LAYER_RANK = { places: 0, events: 1, "peacekeeping-posts": 2, routes: 3, regions: 4 };

/** Return the records whose names contain every word of ``query``, best matches first. */
export function findRecords(records, query) {
  const words = fold(query).split(" ").filter(Boolean);
  if (!words.length) return [];
  const whole = words.join(" ");
  const scored = [];
  for (const record of records) {
    if (!words.every((w) => record.search.includes(w))) continue;
    const name = fold(record.name);
    const score = name.startsWith(whole) ? 0 : record.search.includes(whole) ? 1 : 2;
    scored.push([score, LAYER_RANK[record.layer] ?? 5, record.name, record]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]));
  return scored.map((s) => s[3]);
}

export class Search {
  /** input: the search field; results: its listbox; onPick(id) jumps to a feature. */
  constructor(input, results, none, { records, onPick }) {
    this.input = input;
    this.results = results;
    this.none = none;
    this.records = records;
    this.onPick = onPick;
    this.found = [];
    this.active = -1;
    input.addEventListener("input", () => this.search());
    input.addEventListener("keydown", (e) => this.key(e));
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    results.addEventListener("mousedown", (e) => e.preventDefault()); // keep the focus
    results.addEventListener("click", (e) => {
      const item = e.target.closest("[role=option]");
      if (item) this.pick(Number(item.dataset.index));
    });
  }

  search() {
    this.found = findRecords(this.records, this.input.value).slice(0, LIMIT);
    this.active = this.found.length ? 0 : -1;
    this.results.replaceChildren(...this.found.map((r, i) => this.item(r, i)));
    const typed = Boolean(this.input.value.trim());
    this.results.hidden = !this.found.length;
    this.none.hidden = !typed || this.found.length > 0;
    this.input.setAttribute("aria-expanded", String(this.found.length > 0));
    this.mark();
  }

  item(record, index) {
    const li = document.createElement("li");
    li.setAttribute("role", "option");
    li.id = `search-${index}`;
    li.dataset.index = index;
    li.dataset.featureId = record.id;
    const name = document.createElement("span");
    name.className = "result-name";
    name.textContent = record.name;
    const meta = document.createElement("span");
    meta.className = "result-meta";
    meta.textContent = [record.alt, record.kind, record.date].filter(Boolean).join(" · ");
    li.append(name, meta);
    return li;
  }

  mark() {
    [...this.results.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === this.active)));
    if (this.active >= 0) this.input.setAttribute("aria-activedescendant", `search-${this.active}`);
    else this.input.removeAttribute("aria-activedescendant");
  }

  key(e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!this.found.length) return;
      e.preventDefault();
      const delta = e.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + delta + this.found.length) % this.found.length;
      this.mark();
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (this.active >= 0) this.pick(this.active);
    } else if (e.key === "Escape") {
      this.close();
    }
  }

  pick(index) {
    const record = this.found[index];
    if (!record) return;
    this.input.value = record.name;
    this.close();
    this.onPick(record.id);
  }

  close() {
    this.results.hidden = true;
    this.none.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}
