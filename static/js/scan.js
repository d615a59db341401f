// Counting a scan: one tap per person present, kept as a draft on the phone until saved.
// The age × gender grid counts a person's age and gender in one tap; the other groups
// (activity, posture, company, role, regular) are counted by their own taps.
import { create, localIso } from "./records.js";
import { get, put, remove } from "./store.js";
import { t } from "./field.js";

const emptyDraft = (session, zone) => ({
  key: `${session}:${zone}`, session, zone, startedAt: null, cells: {}, counts: {}, conditions: [],
});

export class ScanCounter {
  constructor(panel, { session, context, onSaved, onTap }) {
    this.panel = panel;
    this.session = session;
    this.context = context;
    this.onSaved = onSaved;
    this.onTap = onTap;
    this.minus = false;
    this.draft = null;
    panel.addEventListener("click", (event) => this.click(event));
    panel.querySelector("#save-scan").addEventListener("click", () => this.save());
    panel.querySelector("#clear-scan").addEventListener("click", () => this.clear());
  }

  async show(zone, zoneName) {
    this.zone = zone;
    this.panel.querySelector("#scan-zone").textContent = zoneName;
    this.draft = (await get("drafts", `${this.session}:${zone}`)) || emptyDraft(this.session, zone);
    this.render();
  }

  hasCounts() {
    return Boolean(this.draft && (this.total() > 0 || Object.keys(this.draft.counts).length));
  }

  total() {
    return Object.values(this.draft.cells).reduce((sum, n) => sum + n, 0);
  }

  async click(event) {
    const button = event.target.closest("button");
    if (!button || !this.draft) return;
    if (button.id === "minus-mode") {
      this.minus = !this.minus;
      button.setAttribute("aria-pressed", String(this.minus));
      this.panel.classList.toggle("minus-mode", this.minus);
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

  async save() {
    const counts = this.counts();
    if (!Object.keys(counts).length && !this.draft.conditions.includes("empty")) {
      const error = this.panel.querySelector("#scan-error");
      error.textContent = t("scan_empty");
      error.hidden = false;
      return null;
    }
    const record = await create("scan", {
      session: this.session, zone: this.zone, counts, conditions: this.draft.conditions,
      observed_at: localTime(this.draft.startedAt),
    }, this.context);
    const people = this.total();
    await this.clear();
    this.onSaved(record, people);
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
