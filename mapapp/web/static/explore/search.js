// Search places and events by name, in either language, with or without diacritics: the
// server searches (/api/map/features?q=, ranked best first); this shows its answers.

export class Search {
  /** input: the search field; results: its listbox; find(text) resolves to the records
   * found; onPick(record) jumps to a feature. */
  constructor(input, results, none, { find, onPick }) {
    this.input = input;
    this.results = results;
    this.none = none;
    this.find = find;
    this.onPick = onPick;
    this.turn = 0;
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

  async search() {
    const turn = ++this.turn;
    const text = this.input.value;
    let found = [];
    if (text.trim()) {
      try {
        found = await this.find(text);
      } catch (error) {
        found = [];
      }
    }
    if (turn !== this.turn) return; // a later search has been typed
    this.found = found;
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
    if (record.article) li.dataset.articleId = record.article;
    else li.dataset.featureId = record.id;
    const name = document.createElement("span");
    name.className = "result-name";
    name.textContent = record.name;
    const meta = document.createElement("span");
    meta.className = "result-meta";
    meta.textContent = [record.alt, record.label, record.when].filter(Boolean).join(" · ");
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
    this.onPick(record);
  }

  close() {
    this.results.hidden = true;
    this.none.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}
