// Counting passers-by (record kind "passers"): the people who cross a counting line in a set
// period. The fieldworker picks the line and the period, starts, and taps once per person by
// how they move; gender, age band and group size are optional extra taps. The count in
// progress is a draft on the phone (a reload loses no tap); finishing saves it as one record,
// its UUID made here once, into the outbox that sends it exactly once.
import { t, timeOf, toggleMinus } from "./field.js";
import { create, localIso } from "./records.js";
import { get, put, remove } from "./store.js";

const BREAKDOWNS = ["gender", "age", "group"];
const sum = (per) => Object.values(per || {}).reduce((a, b) => a + b, 0);

// "09:05": minutes and seconds of a span in milliseconds.
function clock(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

export class PasserCounter {
  // `lines`: the session's counting lines as [{id, name}].
  constructor(panel, { session, context, lines, announce, onSaved, onTap }) {
    this.panel = panel;
    this.session = session;
    this.context = context;
    this.lines = lines;
    this.announce = announce;
    this.onSaved = onSaved;
    this.onTap = onTap;
    this.key = `passers:${session}`;
    this.draft = null;
    this.minus = false;
    this.timer = null;
    this.$ = (id) => panel.querySelector(`#${id}`);
    panel.addEventListener("click", (event) => this.click(event));
    this.$("passers-start").addEventListener("click", () => this.start());
    this.$("passers-finish").addEventListener("click", () => this.finish());
  }

  // Fill in the lines and pick up a count in progress (after a reload, say).
  async show() {
    const select = this.$("passers-line");
    select.replaceChildren(...this.lines.map((line) => new Option(line.name, String(line.id))));
    const single = this.lines.length === 1;
    this.$("passers-line-field").hidden = single;
    this.$("passers-one-line").hidden = !single;
    if (single) this.$("passers-one-line").textContent = `${t("counting_line")}: ${this.lines[0].name}`;
    this.draft = (await get("drafts", this.key)) || null;
    this.render();
  }

  running(startedAt = null) {
    return Boolean(this.draft) && (startedAt === null || this.draft.startedAt === startedAt);
  }

  lineName(zone) {
    return this.lines.find((line) => line.id === zone)?.name || `#${zone}`;
  }

  minutesError(message) {
    const input = this.$("passers-minutes");
    const error = this.$("passers-minutes-error");
    error.textContent = message;
    error.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  async start() {
    const input = this.$("passers-minutes");
    const minutes = Number(input.value.trim());
    // What was typed stays in the field, with the reason beside it.
    if (!input.value.trim() || !Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
      this.minutesError(t("passers_minutes"));
      return input.focus();
    }
    this.minutesError("");
    const zone = Number(this.$("passers-line").value);
    this.draft = { key: this.key, session: this.session, zone, minutes, startedAt: localIso(),
                   counts: { mode: {} } };
    await this.store();
    this.announce(t("passers_started", { zone: this.lineName(zone) }));
    this.panel.querySelector('[data-passers="mode"]').focus();
  }

  async click(event) {
    const button = event.target.closest("button");
    if (!button || !this.draft) return;
    if (button.id === "passers-minus") {
      this.minus = toggleMinus(this.panel, button);
      return;
    }
    if (button.dataset.passers) {
      await this.tap({ category: button.dataset.passers, code: button.dataset.code },
                     this.minus ? -1 : 1, button.dataset.label);
    }
  }

  // Change one counter by +1 or −1 (never below zero); undo calls this with −delta.
  async tap(target, delta, label) {
    const draft = this.draft;
    if (!draft) return;
    const per = draft.counts[target.category] || {};
    const current = per[target.code] || 0;
    const next = Math.max(0, current + delta);
    if (next === current) return;
    draft.counts[target.category] = { ...per, [target.code]: next };
    await this.store();
    if (this.onTap) {
      this.onTap({ type: "passers", count: draft.startedAt, target, delta: next - current, label });
    }
  }

  async store() {
    await put("drafts", this.draft);
    this.render();
  }

  people() {
    return sum(this.draft?.counts.mode);
  }

  // The counts as the sync API takes them: the modes always, zeros left out.
  counts() {
    const counts = {};
    for (const [category, per] of Object.entries(this.draft.counts)) {
      const kept = Object.fromEntries(Object.entries(per).filter(([, n]) => n > 0));
      if (category === "mode" || Object.keys(kept).length) counts[category] = kept;
    }
    return counts;
  }

  legendOf(category) {
    const legend = this.panel.querySelector(`[data-passers-total="${category}"]`)?.closest("legend");
    return legend?.firstChild.textContent.trim() || category;
  }

  // A breakdown never holds more people than the modes (as the server checks).
  problems() {
    const everyone = this.people();
    return BREAKDOWNS.filter((category) => sum(this.draft.counts[category]) > everyone)
      .map((category) => t("passers_over", { category: this.legendOf(category), everyone,
                                              counted: sum(this.draft.counts[category]) }));
  }

  // Save the count as one record. Before the period is over the fieldworker confirms, and
  // the count is saved with the minutes it really ran, so that rates per hour stay true.
  async finish({ ask = true } = {}) {
    const draft = this.draft;
    if (!draft) return null;
    const found = this.problems();
    if (found.length) {
      this.$("passers-error").textContent = found.join("\n");
      this.$("passers-error").hidden = false;
      return null;
    }
    const left = this.left();
    let minutes = draft.minutes;
    if (left > 0) {
      const ran = Date.now() - Date.parse(draft.startedAt);
      minutes = Math.min(draft.minutes, Math.max(1, Math.round(ran / 60000)));
      if (ask && !window.confirm(t("passers_early", { left: clock(left), minutes }))) return null;
    }
    const record = await create("passers", {
      session: this.session, zone: draft.zone, started_at: draft.startedAt, minutes,
      counts: this.counts(),
    }, this.context);
    await remove("drafts", this.key);
    this.draft = null;
    this.render();
    await this.onSaved(record);
    return record;
  }

  left() {
    return Date.parse(this.draft.startedAt) + this.draft.minutes * 60000 - Date.now();
  }

  // The time left, each second; when it runs out the fieldworker is told once.
  tick() {
    if (!this.draft) return;
    const left = this.left();
    this.$("passers-left").textContent = clock(left);
    const over = left <= 0;
    if (over && this.$("passers-time-up").hidden && this.wasRunning) this.announce(t("passers_time_up"));
    this.wasRunning = !over;
    this.$("passers-time-up").hidden = !over;
  }

  render() {
    const draft = this.draft;
    this.$("passers-setup").hidden = Boolean(draft);
    this.$("passers-count").hidden = !draft;
    clearInterval(this.timer);
    this.timer = null;
    if (!draft) return;
    this.$("passers-running").textContent = t("passers_running", {
      zone: this.lineName(draft.zone), time: timeOf(draft.startedAt), minutes: draft.minutes,
    });
    for (const button of this.panel.querySelectorAll("[data-passers]")) {
      button.querySelector(".count").textContent =
        draft.counts[button.dataset.passers]?.[button.dataset.code] || 0;
    }
    const everyone = this.people();
    for (const element of this.panel.querySelectorAll("[data-passers-total]")) {
      const counted = sum(draft.counts[element.dataset.passersTotal]);
      element.textContent = `(${t("group_total", { count: counted, n: everyone })})`;
      element.classList.toggle("over", counted > everyone);
    }
    const total = this.$("passers-total");
    const text = t("passers_total", { n: everyone });
    if (total.textContent !== text) total.textContent = text;
    this.$("passers-error").hidden = true;
    this.tick();
    this.timer = setInterval(() => this.tick(), 1000);
  }
}
