// Logging an encounter: type → parties → relation, and it is saved. Three taps in the
// common case; flags and a short note are optional and come before the last tap. A note
// longer than the server stores is refused with a message; its text stays in the field.
import { t } from "./field.js";
import { tooLong } from "./page.js";
import { correct, create, localIso } from "./records.js";

const STEPS = ["type", "parties", "relation"];

export class EncounterFlow {
  constructor(panel, { session, context, zone, onSaved }) {
    this.panel = panel;
    this.session = session;
    this.context = context;
    this.zone = zone;
    this.onSaved = onSaved;
    this.reset();
    panel.addEventListener("click", (event) => this.click(event));
    panel.querySelector("#cancel-edit").addEventListener("click", () => this.reset());
  }

  reset() {
    this.choice = { type: null, parties: null, relation: null, flags: [], note: "" };
    this.editing = null;
    this.extra = {};
    this.panel.querySelector("#editing").hidden = true;
    this.setNote("");
    this.go("type", false);
  }

  setNote(text) {
    const note = this.panel.querySelector("#encounter-note");
    note.value = text;
    note.removeAttribute("aria-invalid");
    this.panel.querySelector("#encounter-note-error").hidden = true;
    note.dispatchEvent(new Event("input"));
  }

  // Open an earlier encounter for correction, with its choices filled in; `extra` holds
  // fields to change besides (a refused encounter's time, say).
  edit(record, label, extra = {}) {
    this.reset();
    this.editing = record;
    this.extra = extra;
    this.choice = { type: record.encounter_type, parties: record.parties, relation: record.relation,
                    flags: [...(record.flags || [])], note: record.note || "" };
    this.setNote(this.choice.note);
    this.panel.querySelector("#editing-text").textContent = label;
    this.panel.querySelector("#editing").hidden = false;
    this.go("type");
  }

  go(step, focus = true) {
    this.step = step;
    for (const section of this.panel.querySelectorAll("[data-step]")) {
      section.hidden = section.dataset.step !== step;
    }
    const current = this.panel.querySelector(`[data-step="${step}"]`);
    const chosen = current.querySelector("[data-chosen]");
    if (chosen) chosen.textContent = this.summary();
    for (const button of current.querySelectorAll("[data-value]")) {
      // Earlier choices are marked only when correcting an encounter.
      button.classList.toggle("selected", Boolean(this.editing) &&
                              this.choice[step] === (button.dataset.value || null));
    }
    for (const toggle of this.panel.querySelectorAll("[data-flag]")) {
      toggle.setAttribute("aria-pressed", String(this.choice.flags.includes(toggle.dataset.flag)));
    }
    if (focus) current.querySelector(".step-title").focus();
  }

  label(step, value) {
    const button = this.panel.querySelector(`[data-step="${step}"] [data-value="${value ?? ""}"]`);
    return button ? button.dataset.label : "";
  }

  summary() {
    return [this.label("type", this.choice.type),
            this.step === "relation" ? this.label("parties", this.choice.parties) : ""]
      .filter(Boolean).join(" · ");
  }

  async click(event) {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.back !== undefined) {
      return this.go(STEPS[Math.max(0, STEPS.indexOf(this.step) - 1)]);
    }
    if (button.dataset.flag) {
      const flag = button.dataset.flag;
      const flags = this.choice.flags;
      this.choice.flags = flags.includes(flag) ? flags.filter((f) => f !== flag) : [...flags, flag];
      button.setAttribute("aria-pressed", String(this.choice.flags.includes(flag)));
      return;
    }
    if (button.dataset.value === undefined) return;
    this.choice[this.step] = button.dataset.value || null;
    if (this.step !== "relation") return this.go(STEPS[STEPS.indexOf(this.step) + 1]);
    await this.save();
  }

  async save() {
    const note = this.panel.querySelector("#encounter-note");
    const over = tooLong(note);
    if (over) {
      const error = this.panel.querySelector("#encounter-note-error");
      error.textContent = t("too_long", over);
      error.hidden = false;
      note.setAttribute("aria-invalid", "true");
      return note.focus();
    }
    const fields = {
      encounter_type: this.choice.type, parties: this.choice.parties,
      relation: this.choice.relation, flags: this.choice.flags,
      note: note.value.trim(), ...this.extra,
    };
    const label = [this.label("type", fields.encounter_type), this.label("parties", fields.parties),
                   this.label("relation", fields.relation)].filter(Boolean).join(" · ");
    let record;
    if (this.editing) {
      record = await correct(this.editing.uuid, fields, this.context);
      this.onSaved(record, label, true);
    } else {
      record = await create("encounter", {
        session: this.session, zone: this.zone(), occurred_at: localIso(), ...fields,
      }, this.context);
      this.onSaved(record, label, false);
    }
    this.reset();
    this.panel.querySelector('[data-step="type"] .step-title').focus();
  }
}
