// Starting a session: one screen, checked here, saved on the phone before anything else.
import { create, localIso } from "./records.js";
import { pageData, startField, t } from "./field.js";

const data = pageData("capture-data");
const context = { user: data.user, study: data.study.slug, codebookVersion: data.codebook.version };
startField(context);

const form = document.getElementById("start-form");
const summary = document.getElementById("start-errors");
const slot = data.slots.find((s) => String(s.id) === new URLSearchParams(location.search).get("slot"));
const pad = (n) => String(n).padStart(2, "0");

function zoneGroup() {
  return form.querySelector(`[data-site-zones="${form.site.value}"]`);
}

function showZones() {
  for (const group of form.querySelectorAll("[data-site-zones]")) {
    group.hidden = group !== zoneGroup();
  }
  form.querySelector("[data-no-site]").hidden = Boolean(form.site.value);
}

function preset() {
  const now = new Date();
  form.start_time.value = `${pad(now.getHours())}:${pad(now.getMinutes())}`;
  if (slot) {
    form.site.value = String(slot.site);
    for (const box of zoneGroup().querySelectorAll("input")) {
      box.checked = slot.zones.includes(Number(box.value));
    }
  }
  showZones();
}

function fail(errors) {
  for (const element of form.querySelectorAll(".error")) element.hidden = true;
  for (const element of form.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
  for (const [name, message] of Object.entries(errors)) {
    const error = document.getElementById(`${name}-error`);
    error.textContent = message;
    error.hidden = false;
    document.getElementById(name)?.setAttribute("aria-invalid", "true");
  }
  summary.textContent = t("fix_fields");
  summary.hidden = false;
  summary.focus();
}

function read() {
  const errors = {};
  const values = {};
  if (!form.site.value) errors.site = t("choose_site");
  values.zones = form.site.value
    ? [...zoneGroup().querySelectorAll("input:checked")].map((box) => Number(box.value)) : [];
  if (form.site.value && !values.zones.length) errors.zones = t("choose_zone");
  const temperature = form.temperature.value.trim().replace(",", ".");
  values.temperature = temperature === "" ? null : Number(temperature);
  if (temperature !== "" && !(Number.isFinite(values.temperature) &&
      values.temperature >= -50 && values.temperature <= 60)) {
    errors.temperature = t("bad_temperature");
  }
  const match = /^(\d{1,2}):(\d{2})$/.exec(form.start_time.value);
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) {
    errors["start-time"] = t("bad_time");
  } else {
    values.started = new Date();
    values.started.setHours(Number(match[1]), Number(match[2]), 0, 0);
    if (values.started - Date.now() > 60 * 1000) errors["start-time"] = t("future_time");
    // Starting now keeps the seconds, so records tapped in the first minute lie within it.
    if (values.started > Date.now() - 60 * 1000) values.started = new Date();
  }
  return { errors, values };
}

form.site.addEventListener("change", showZones);
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const { errors, values } = read();
  if (Object.keys(errors).length) return fail(errors);
  const checked = (name) => [...form.querySelectorAll(`[name="${name}"]:checked`)].map((i) => i.value);
  const record = await create("session", {
    study: data.study.slug, site: Number(form.site.value), zones: values.zones,
    slot: slot && String(slot.site) === form.site.value ? slot.id : null,
    started_at: localIso(values.started), ended_at: null, weather: checked("weather"),
    temperature_c: values.temperature, crowding: checked("crowding")[0] || null,
    programme: checked("programme")[0] || null,
  }, context);
  location.href = `session#${record.uuid}`;
});

preset();
form.querySelector('button[type="submit"]').disabled = false;
