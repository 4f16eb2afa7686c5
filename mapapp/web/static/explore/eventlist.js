// The list of the events shown, beside the map: sortable, and driven by the keyboard
// (Tab reaches the current row, arrow keys, Home and End move, Enter or Space selects).
// The server gives it a page at a time (newest first, /api/map/features); "Show more" asks
// for the next. The rows loaded are sorted here.

const COMPARE = {
  date: (a, b) => cmp(a.start || "9999", b.start || "9999") || cmp(a.end || "", b.end || ""),
  type: (a, b) => cmp(a.label || "", b.label || ""),
  name: (a, b) => cmp(a.name, b.name),
};

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

export class EventList {
  /** root: the list section; onSelect(id) is called when a row is chosen. */
  constructor(root, { lang, onSelect, onMore, more, unplaced }) {
    this.root = root;
    this.lang = lang;
    this.unplaced = unplaced; // what a row of an event drawn nowhere says
    this.onSelect = onSelect;
    this.onMore = onMore;
    this.list = root.querySelector("#event-list");
    this.moreButton = element("button", "list-more", more);
    this.moreButton.type = "button";
    this.moreButton.hidden = true;
    this.moreButton.addEventListener("click", () => this.more());
    this.list.after(this.moreButton);
    this.sortKey = "date";
    this.descending = false;
    this.records = [];
    this.selected = null;
    this.active = null; // the row that Tab reaches
    for (const button of root.querySelectorAll("[data-sort]")) {
      button.addEventListener("click", () => this.sortBy(button.dataset.sort));
    }
    this.list.addEventListener("keydown", (e) => this.key(e));
    this.list.addEventListener("click", (e) => {
      const row = e.target.closest("[role=option]");
      if (row) this.choose(row);
    });
  }

  sortBy(key) {
    this.descending = key === this.sortKey ? !this.descending : false;
    this.sortKey = key;
    for (const button of this.root.querySelectorAll("[data-sort]")) {
      const on = button.dataset.sort === key;
      button.setAttribute("aria-pressed", String(on));
      button.dataset.direction = on ? (this.descending ? "desc" : "asc") : "";
    }
    this.render();
  }

  /** Show these records: the first page of the ``shown`` events the state shows, of
   * ``total`` events in all. */
  update(records, shown, total) {
    this.records = records;
    this.shown = shown;
    this.total = total;
    this.render();
  }

  /** Load the next page of the events shown. */
  async more() {
    this.moreButton.disabled = true;
    try {
      const next = await this.onMore(this.records.length);
      const have = new Set(this.records.map((r) => r.id));
      this.records = this.records.concat(next.filter((r) => !have.has(r.id)));
      this.render();
    } finally {
      this.moreButton.disabled = false;
    }
  }

  render() {
    const compare = COMPARE[this.sortKey];
    const rows = [...this.records].sort(
      (a, b) => (this.descending ? -1 : 1) * (compare(a, b) || COMPARE.date(a, b) || COMPARE.name(a, b)),
    );
    const focused = document.activeElement && this.list.contains(document.activeElement)
      ? document.activeElement.dataset.featureId
      : null;
    this.list.replaceChildren(...rows.map((r) => this.row(r)));
    const count = this.root.querySelector("#list-count");
    count.textContent = count.dataset.template
      .replace("{shown}", this.shown)
      .replace("{total}", this.total);
    this.moreButton.hidden = rows.length >= this.shown;
    this.root.querySelector("#list-empty").hidden = rows.length > 0;
    this.list.hidden = rows.length === 0; // a listbox must hold options: the note stands in
    const keep = rows.find((r) => r.id === this.active) ? this.active : rows[0] && rows[0].id;
    this.setActive(keep, false);
    if (focused && this.rowOf(focused)) this.rowOf(focused).focus({ preventScroll: true });
  }

  row(record) {
    const li = element("li", "event-row");
    li.setAttribute("role", "option");
    li.id = `row-${record.id}`;
    li.dataset.featureId = record.id;
    li.tabIndex = -1;
    li.setAttribute("aria-selected", String(record.id === this.selected));
    const meta = element("div", "row-meta");
    if (record.when) meta.append(element("span", `date-chip date-${record.dp}`, record.when));
    const type = element("span", "row-type", record.label || "");
    type.style.setProperty("--c", record.colour);
    meta.append(type);
    if (!record.bounds) {
      li.dataset.unplaced = "true";
      meta.append(element("span", "row-unplaced", this.unplaced));
    }
    li.append(meta, element("div", "row-name", record.name));
    if (record.summary) {
      const summary = element("div", "row-summary", record.summary);
      if (this.lang === "vi") summary.lang = "vi";
      li.append(summary);
    }
    return li;
  }

  rowOf(id) {
    return id ? this.list.querySelector(`[data-feature-id="${CSS.escape(id)}"]`) : null;
  }

  setActive(id, focus) {
    this.active = id || null;
    for (const row of this.list.children) row.tabIndex = row.dataset.featureId === id ? 0 : -1;
    const row = this.rowOf(id);
    if (row && focus) {
      row.focus({ preventScroll: true });
      this.reveal(row);
    }
  }

  /** Mark the feature selected on the map (or none) and bring its row into view. */
  highlight(id) {
    this.selected = id;
    for (const row of this.list.children) {
      row.setAttribute("aria-selected", String(row.dataset.featureId === id));
    }
    const row = this.rowOf(id);
    if (row) {
      this.setActive(id, false);
      this.reveal(row);
    }
  }

  /** Scroll the list itself (never the page) so that ``row`` is visible. */
  reveal(row) {
    const list = this.list;
    const top = row.offsetTop; // the list is positioned: offsets are within it
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + row.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = top + row.offsetHeight - list.clientHeight;
    }
  }

  choose(row) {
    this.setActive(row.dataset.featureId, true);
    this.onSelect(row.dataset.featureId);
  }

  key(e) {
    const rows = [...this.list.children];
    const at = rows.findIndex((r) => r === document.activeElement);
    if (at < 0) return;
    let next = null;
    if (e.key === "ArrowDown") next = rows[Math.min(at + 1, rows.length - 1)];
    else if (e.key === "ArrowUp") next = rows[Math.max(at - 1, 0)];
    else if (e.key === "Home") next = rows[0];
    else if (e.key === "End") next = rows[rows.length - 1];
    else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      this.choose(rows[at]);
      return;
    } else return;
    e.preventDefault();
    this.setActive(next.dataset.featureId, true);
  }
}
