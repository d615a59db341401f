// Counting a scan: one tap per person present, kept as a draft on the phone until saved.
// The age × gender grid counts a person's age and gender in one tap; the other groups
// (activity, posture, company, role, regular) are counted by their own taps, each shown
// against the people counted ("3 of 5"). Before saving, the scan's arithmetic is checked
// as the server checks it (scan_rules.js).
import { correct, create, localIso } from "./records.js";
import { get, put, remove } from "./store.js";
import { t, toggleMinus } from "./field.js";
import { people, problems, totals } from "./scan_rules.js";

const emptyDraft = (session, zone) => ({
  key: `${session}:${zone}`, session, zone, startedAt: null, cells: {}, counts: {}, conditions: [],
  fixing: null,
});

// Age × gender cells that give a scan's age and gender totals; what does not pair stays apart.
function cellsOf(counts) {
  const ages = { ...(counts.age || {}) };
  const genders = { ...(counts.gender || {}) };
  const cells = {};
  for (const age of Object.keys(ages)) {
    for (const gender of Object.keys(genders)) {
      const n = Math.min(ages[age], genders[gender]);
      if (n > 0) {
        cells[`${age}|${gender}`] = n;
        ages[age] -= n;
        genders[gender] -= n;
      }
    }
  }
  const left = (per) => Object.fromEntries(Object.entries(per).filter(([, n]) => n > 0));
  return { cells, rest: { age: left(ages), gender: left(genders) } };
}

export class ScanCounter {
  constructor(panel, { session, context, rules, onSaved, onTap }) {
    this.panel = panel;
    this.session = session;
    this.context = context;
    this.rules = rules;
    this.onSaved = onSaved;
    this.onTap = onTap;
    this.minus = false;
    this.draft = null;
    panel.addEventListener("click", (event) => this.click(event));
    panel.querySelector("#save-scan").addEventListener("click", () => this.save());
    panel.querySelector("#clear-scan").addEventListener("click", () => this.clear());
  }

  // The zone, its name and its draft change together, once the draft is read: a tap while
  // it is read still counts in the zone on screen, never in a draft about to be replaced.
  async show(zone, zoneName) {
    const draft = (await get("drafts", `${this.session}:${zone}`)) || emptyDraft(this.session, zone);
    this.zone = zone;
    this.draft = draft;
    this.panel.querySelector("#scan-zone").textContent = zoneName;
    this.render();
  }

  hasCounts() {
    return Boolean(this.draft && (this.total() > 0 || Object.keys(this.draft.counts).length ||
                                  this.draft.fixing));
  }

  total() {
    return Object.values(this.draft.cells).reduce((sum, n) => sum + n, 0);
  }

  // Put a refused scan back into the draft of its zone, to correct and save again.
  async load(record, { cells, observedAt }) {
    const counts = JSON.parse(JSON.stringify(record.counts || {}));
    const draft = emptyDraft(this.session, this.zone);
    if (cells) {
      draft.cells = { ...cells };
      delete counts.age;
      delete counts.gender;
    } else {
      const paired = cellsOf(counts);
      draft.cells = paired.cells;
      delete counts.age;
      delete counts.gender;
      for (const [key, per] of Object.entries(paired.rest)) if (Object.keys(per).length) counts[key] = per;
    }
    draft.counts = counts;
    draft.conditions = [...(record.conditions || [])];
    draft.startedAt = observedAt;
    draft.fixing = record.uuid;
    this.draft = draft;
    await this.store();
  }

  async click(event) {
    const button = event.target.closest("button");
    if (!button || !this.draft) return;
    if (button.id === "minus-mode") {
      this.minus = toggleMinus(this.panel, button);
      return;
    }
    if (button.dataset.condition) {
      const code = button.dataset.condition;
      const list = this.draft.conditions;
      this.draft.conditions = list.includes(code) ? list.filter((c) => c !== code) : [...list, code];
      return this.store();
    }
    if (button.dataset.cell) {
      return this.tap({ cell: button.dataset.cell }, this.minus ? -1 : 1, button.getAttribute("aria-label"));
    }
    if (button.dataset.category) {
      const label = button.dataset.label;
      return this.tap({ category: button.dataset.category, code: button.dataset.code },
                      this.minus ? -1 : 1, label);
    }
  }

  // Change one counter by +1 or −1 (never below zero); undo calls this with −delta.
  async tap(target, delta, label) {
    const draft = this.draft;
    const current = target.cell ? draft.cells[target.cell] || 0
      : (draft.counts[target.category] || {})[target.code] || 0;
    const next = Math.max(0, current + delta);
    if (next === current) return;
    if (target.cell) {
      draft.cells[target.cell] = next;
    } else {
      draft.counts[target.category] = { ...(draft.counts[target.category] || {}), [target.code]: next };
    }
    draft.startedAt = draft.startedAt || new Date().toISOString();
    await this.store();
    if (this.onTap) this.onTap({ type: "tap", zone: this.zone, target, delta: next - current, label });
  }

  async store() {
    await put("drafts", this.draft);
    this.render();
  }

  render() {
    const draft = this.draft;
    for (const button of this.panel.querySelectorAll("[data-cell]")) {
      button.querySelector(".count").textContent = draft.cells[button.dataset.cell] || 0;
    }
    for (const button of this.panel.querySelectorAll("[data-category]")) {
      const count = (draft.counts[button.dataset.category] || {})[button.dataset.code] || 0;
      button.querySelector(".count").textContent = count;
    }
    for (const button of this.panel.querySelectorAll("[data-condition]")) {
      button.setAttribute("aria-pressed", String(draft.conditions.includes(button.dataset.condition)));
    }
    // Each "at most once" group against the people counted, so an excess shows as it happens.
    const counts = this.counts();
    const total = totals(counts);
    const n = people(counts, this.rules);
    for (const element of this.panel.querySelectorAll("[data-group-total]")) {
      const key = element.dataset.groupTotal;
      const limited = this.rules.at_most_one.includes(key) && this.rules.exactly_one.length;
      element.textContent = limited ? `(${t("group_total", { count: total[key] || 0, n })})` : "";
      element.classList.toggle("over", Boolean(limited) && (total[key] || 0) > n);
    }
    this.panel.querySelector("#scan-total").textContent = this.total();
    this.panel.querySelector("#scan-error").hidden = true;
  }

  // The scan's counts as the API takes them: age and gender from the grid, the rest as tapped.
  counts() {
    const counts = {};
    const add = (category, code, n) => {
      if (n > 0) counts[category] = { ...(counts[category] || {}), [code]: (counts[category]?.[code] || 0) + n };
    };
    for (const [cell, n] of Object.entries(this.draft.cells)) {
      const [age, gender] = cell.split("|");
      add("age", age, n);
      add("gender", gender, n);
    }
    for (const [category, codes] of Object.entries(this.draft.counts)) {
      for (const [code, n] of Object.entries(codes)) add(category, code, n);
    }
    return counts;
  }

  // Save the draft if its arithmetic holds; otherwise say what is wrong and keep every count.
  async save() {
    const counts = this.counts();
    const conditions = this.draft.conditions;
    const found = problems(counts, conditions, this.rules, t, document.documentElement.lang);
    if (found.length) {
      const error = this.panel.querySelector("#scan-error");
      error.textContent = found.join("\n");
      error.hidden = false;
      return null;
    }
    const fields = { counts, conditions, observed_at: localTime(this.draft.startedAt) };
    const extra = { cells: { ...this.draft.cells } };
    const fixed = this.draft.fixing;
    const record = fixed
      ? await correct(fixed, fields, this.context, extra)
      : await create("scan", { session: this.session, zone: this.zone, ...fields }, this.context, extra);
    const n = this.total();
    await this.clear();
    this.onSaved(record, n, Boolean(fixed));
    return record;
  }

  async clear() {
    await remove("drafts", this.draft.key);
    this.draft = emptyDraft(this.session, this.zone);
    this.render();
  }
}

function localTime(iso) {
  return localIso(iso ? new Date(iso) : new Date());
}
