// The time control: a from-to window over the days of the events (from the first to the
// last, as the server counts them), with play-through.
import { addSteps, isoDay, parseDay, stepStart } from "./state.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const TICK_MS = 1100;
const MAX_TICKS = 40; // the most ticks of the rug under the slider

/** A day in words the way the server writes short dates: "24 Nov 2020", "24/11/2020". */
export function formatDay(iso, lang) {
  const [y, m, d] = iso.split("-").map(Number);
  return lang === "vi" ? `${d}/${m}/${y}` : `${d} ${MONTHS[m - 1]} ${y}`;
}

function dayBefore(iso) {
  const date = parseDay(iso);
  date.setUTCDate(date.getUTCDate() - 1);
  return isoDay(date);
}

export class TimeBar {
  /**
   * root: the control's element; days: {min, max} (ISO days; null: nothing dated);
   * onChange(from, to, commit) is called when the user moves the window (commit: a finished
   * change, worth a history entry); shownKey(from, to) resolves to a name of what a window
   * would show, so play can skip quiet stretches.
   */
  constructor(root, { days, lang, onChange, shownKey }) {
    this.root = root;
    this.lang = lang;
    this.onChange = onChange;
    this.shownKey = shownKey;
    this.stops = [];
    if (days) {
      for (let day = days.min; day <= days.max; day = addSteps(day, "day")) this.stops.push(day);
    }
    this.min = this.stops[0] || null;
    this.max = this.stops[this.stops.length - 1] || null;
    this.from = null;
    this.to = null;
    this.timer = null;
    this.q = (selector) => root.querySelector(selector);
    if (!this.min) {
      root.hidden = true;
      return;
    }
    this.build();
  }

  build() {
    const [fromSlider, toSlider] = [this.q("#time-from-slider"), this.q("#time-to-slider")];
    for (const slider of [fromSlider, toSlider]) {
      slider.min = 0;
      slider.max = this.stops.length - 1;
      slider.step = 1;
    }
    // The rug marks the start of each year (of every few years: at most MAX_TICKS).
    const rug = this.q(".time-rug");
    const years = this.stops.map((day, i) => [day, i]).filter(([day], i) => i === 0 || day.endsWith("-01-01"));
    const every = Math.ceil(years.length / MAX_TICKS);
    years.forEach(([day, i], k) => {
      if (k % every) return;
      const tick = document.createElement("span");
      tick.style.left = `${(100 * i) / Math.max(1, this.stops.length - 1)}%`;
      tick.title = formatDay(day, this.lang);
      rug.appendChild(tick);
    });
    const slid = (which, commit) => {
      let a = Number(fromSlider.value);
      let b = Number(toSlider.value);
      if (a > b) {
        if (which === "from") b = a;
        else a = b;
      }
      this.pause();
      this.change(this.stops[a], this.stops[b], commit);
    };
    fromSlider.addEventListener("input", () => slid("from", false));
    toSlider.addEventListener("input", () => slid("to", false));
    fromSlider.addEventListener("change", () => slid("from", true));
    toSlider.addEventListener("change", () => slid("to", true));
    for (const input of [this.q("#time-from"), this.q("#time-to")]) {
      input.min = this.min;
      input.max = this.max;
    }
    this.q("#time-from").addEventListener("change", () => this.typed("from"));
    this.q("#time-to").addEventListener("change", () => this.typed("to"));
    this.q("#time-all").addEventListener("click", () => {
      this.pause();
      this.change(null, null, true);
    });
    this.q("#time-play").addEventListener("click", () => (this.timer ? this.pause() : this.play()));
    this.show();
  }

  /** Take the window from the date fields (an empty field leaves that end open); the end
   * not being edited follows the one that is, rather than the window turning inside out. */
  typed(which) {
    let from = this.q("#time-from").value || null;
    let to = this.q("#time-to").value || null;
    if (from && to && from > to) {
      if (which === "from") to = from;
      else from = to;
    }
    this.pause();
    this.change(from, to, true);
  }

  /** Show a window given by the state (null ends: open). */
  set(from, to) {
    this.from = from;
    this.to = to;
    if (this.min) this.show();
  }

  change(from, to, commit) {
    // A window covering every date is no window: the URL stays short and clean.
    if (from && to && from <= this.min && to >= this.max) from = to = null;
    this.set(from, to);
    this.onChange(from, to, commit);
  }

  show() {
    const from = this.from || this.min;
    const to = this.to || this.max;
    // Every day is a stop: a day's index is its distance from the first.
    const last = this.stops.length - 1;
    const index = (day) => {
      const i = Math.round((parseDay(day) - parseDay(this.min)) / 86400000);
      return Math.max(0, Math.min(last, i));
    };
    const [a, b] = [index(from), index(to)];
    this.q("#time-from-slider").value = a;
    this.q("#time-to-slider").value = b;
    // A screen reader announces the day a slider stands at, not its index among the days.
    this.q("#time-from-slider").setAttribute("aria-valuetext", formatDay(this.stops[a], this.lang));
    this.q("#time-to-slider").setAttribute("aria-valuetext", formatDay(this.stops[b], this.lang));
    const width = Math.max(1, last);
    this.q(".time-rug").style.setProperty("--a", `${(100 * a) / width}%`);
    this.q(".time-rug").style.setProperty("--b", `${(100 * b) / width}%`);
    this.q("#time-from").value = this.from || "";
    this.q("#time-to").value = this.to || "";
    this.q("#time-from").placeholder = this.min;
    const text = this.from || this.to
      ? `${formatDay(from, this.lang)} – ${formatDay(to, this.lang)}`
      : this.q("#time-window").dataset.all;
    this.q("#time-window").textContent = text;
    this.root.classList.toggle("time-active", Boolean(this.from || this.to));
    const play = this.q("#time-play");
    play.setAttribute("aria-pressed", String(Boolean(this.timer)));
    play.querySelector(".label").textContent = this.timer ? play.dataset.pause : play.dataset.play;
  }

  /** Step the window forward: from the start of the data, or on from the window chosen. */
  play() {
    const step = this.q("#time-step").value;
    if (!this.from || !this.to || (this.from <= this.min && this.to >= this.max)) {
      const start = stepStart(this.min, step);
      this.change(start, dayBefore(addSteps(start, step)), false);
    }
    const timer = {};
    const next = () => {
      timer.id = setTimeout(async () => {
        await this.tick().catch(() => this.pause());
        if (this.timer === timer) next();
      }, TICK_MS);
    };
    this.timer = timer;
    next();
    this.show();
  }

  pause() {
    if (!this.timer) return;
    clearTimeout(this.timer.id);
    this.timer = null;
    this.show();
    this.onChange(this.from, this.to, true);
  }

  /** Move one step on, and further while nothing would change: play skips quiet stretches
   * (asking the server what each window shows, at most a few hundred steps a tick). */
  async tick() {
    const timer = this.timer;
    const step = this.q("#time-step").value;
    const span = parseDay(this.to) - parseDay(this.from);
    // A window one step wide stays aligned to the calendar (November, then December).
    const aligned = this.to === dayBefore(addSteps(this.from, step));
    const shown = await this.shownKey(this.from, this.to);
    let from = this.from;
    for (let guard = 0; guard < 400; guard++) {
      if (this.timer !== timer) return; // paused meanwhile
      from = addSteps(from, step);
      if (from > this.max) {
        this.pause();
        return;
      }
      const to = aligned
        ? dayBefore(addSteps(from, step))
        : isoDay(new Date(parseDay(from).getTime() + span));
      if ((await this.shownKey(from, to)) !== shown) {
        if (this.timer !== timer) return;
        this.change(from, to, false);
        return;
      }
    }
    this.pause();
  }
}
