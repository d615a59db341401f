// The session screen: encounters, scans and notes, with undo, a running tally and the
// end of the session. Everything is saved on the phone first and synced in the background.
import { EncounterFlow } from "./encounter.js";
import { pageData, startField, t, timeOf } from "./field.js";
import { correct, create, localIso, sessionRecords, withdraw } from "./records.js";
import { ScanCounter } from "./scan.js";
import { get, getMeta, put, setMeta } from "./store.js";

const data = pageData("capture-data");
const context = { user: data.user, study: data.study.slug, codebookVersion: data.codebook.version };
const uuid = location.hash.slice(1);
const $ = (id) => document.getElementById(id);
const zoneNames = Object.fromEntries(data.sites.flatMap((s) => s.zones.map((z) => [z.id, z.name])));
let session;
let engine;

async function loadSession() {
  const local = await get("records", uuid);
  if (local) return local.record;
  try {
    const response = await fetch(`/api/v1/sessions/${uuid}`, { credentials: "same-origin" });
    if (!response.ok) return null;
    // Continue on this phone a session started elsewhere: keep its records as synced.
    for (const record of (await response.json()).records) {
      await put("records", { uuid: record.uuid, kind: record.kind, session: record.session || record.uuid,
                             user: data.user, study: data.study.slug, record, synced: true });
    }
    return (await get("records", uuid))?.record || null;
  } catch {
    return null;
  }
}

function announce(text) {
  const element = $("announce");
  element.textContent = "";
  requestAnimationFrame(() => { element.textContent = text; });
}

async function remember(action) {
  const history = await getMeta(`undo:${uuid}`, []);
  history.push(action);
  await setMeta(`undo:${uuid}`, history.slice(-50));
  $("undo").disabled = false;
}

function siteName() {
  return data.sites.find((s) => s.id === session.site)?.name || "";
}

function fillZones() {
  const zone = $("zone");
  const noteZone = $("note-zone");
  noteZone.append(new Option(t("whole_site"), ""));
  for (const id of session.zones) {
    zone.append(new Option(zoneNames[id] || `#${id}`, String(id)));
    noteZone.append(new Option(zoneNames[id] || `#${id}`, String(id)));
  }
}

function selectTab(name) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !selected;
  }
  if (name === "log") renderOverview();
}

function wireTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => selectTab(tab.id.slice(4)));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(index + step + tabs.length) % tabs.length];
      next.focus();
      selectTab(next.id.slice(4));
    });
  });
}

function describe(record) {
  const button = (step, value) =>
    document.querySelector(`[data-step="${step}"] [data-value="${value ?? ""}"]`)?.dataset.label;
  if (record.kind === "encounter") {
    return [button("type", record.encounter_type), button("parties", record.parties),
            button("relation", record.relation)].filter(Boolean).join(" · ");
  }
  if (record.kind === "scan") {
    const people = Object.values(record.counts.age || {}).reduce((a, b) => a + b, 0);
    return `${t("scan")} ${zoneNames[record.zone] || ""}: ${t("people", { n: people })}`;
  }
  return `${t("note")}: ${record.text.slice(0, 60)}`;
}

async function liveRecords() {
  return (await sessionRecords(uuid)).filter((r) => r.kind !== "session" && !r.retracted);
}

function summaryItems(records) {
  const count = (kind) => records.filter((r) => r.kind === kind).length;
  return [t("encounters", { n: count("encounter") }), t("scans", { n: count("scan") }),
          t("notes", { n: count("note") })];
}

async function renderTally() {
  $("tally").textContent = summaryItems(await liveRecords()).join(" · ");
}

function fillList(list, items) {
  list.replaceChildren(...items.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
}

async function renderOverview() {
  const records = await liveRecords();
  fillList($("summary"), summaryItems(records));
  const list = $("recent");
  list.replaceChildren();
  for (const record of records.slice(-30).reverse()) {
    const item = document.createElement("li");
    const text = document.createElement("span");
    const time = record.occurred_at || record.observed_at || record.written_at;
    text.textContent = `${timeOf(time)} ${describe(record)}`;
    item.append(text);
    if (record.kind === "encounter") item.append(actionButton(t("change"), () => {
      selectTab("encounter");
      flow.edit(record, `${t("change")}: ${timeOf(time)} ${describe(record)}`);
    }));
    item.append(actionButton(t("remove"), async () => {
      await withdraw(record.uuid, context);
      announce(t("removed", { label: describe(record) }));
      await refresh();
    }));
    list.append(item);
  }
}

function actionButton(label, handler) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button small";
  button.textContent = label;
  button.addEventListener("click", handler);
  return button;
}

async function refresh() {
  await renderTally();
  if (!$("panel-log").hidden) await renderOverview();
  await engine.refresh();
  engine.soon();
}

async function undo() {
  const history = await getMeta(`undo:${uuid}`, []);
  const action = history.pop();
  await setMeta(`undo:${uuid}`, history);
  $("undo").disabled = history.length === 0;
  if (!action) return announce(t("nothing_to_undo"));
  if (action.type === "record") {
    await withdraw(action.uuid, context);
  } else {
    if (scan.zone !== action.zone) {
      $("zone").value = String(action.zone);
      await scan.show(action.zone, zoneNames[action.zone]);
    }
    scan.onTap = null;
    await scan.tap(action.target, -action.delta, action.label);
    scan.onTap = remember;
  }
  announce(t("undone", { label: action.label }));
  await refresh();
}

async function saveNote() {
  const text = $("note-text").value.trim();
  const error = $("note-error");
  if (!text) {
    error.textContent = t("note_empty");
    error.hidden = false;
    $("note-text").setAttribute("aria-invalid", "true");
    return $("note-text").focus();
  }
  error.hidden = true;
  $("note-text").removeAttribute("aria-invalid");
  const zone = $("note-zone").value;
  const record = await create("note", { session: uuid, zone: zone ? Number(zone) : null,
                                        written_at: localIso(), text }, context);
  $("note-text").value = "";
  await remember({ type: "record", uuid: record.uuid, label: t("note") });
  announce(t("note_saved"));
  await refresh();
}

function tickElapsed() {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(session.started_at)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
  const s = String(seconds % 60).padStart(2, "0");
  $("elapsed").textContent = h ? `${h}:${m}:${s}` : `${m}:${s}`;
}

async function showFinished() {
  $("capture").hidden = true;
  $("page-title").textContent = `${siteName()}`;
  $("finished-text").textContent = t("ended");
  fillList($("finished-summary"), summaryItems(await liveRecords()));
  $("finished").hidden = false;
}

async function endSession() {
  const dialog = $("end-dialog");
  fillList($("end-summary"), summaryItems(await liveRecords()));
  $("end-draft").hidden = !scan.hasCounts();
  dialog.showModal();
  $("end-cancel").onclick = () => dialog.close();
  $("end-confirm").onclick = async () => {
    if (scan.hasCounts()) await scan.save();
    session = await correct(uuid, { ended_at: localIso() }, context);
    dialog.close();
    engine.soon(0);
    await showFinished();
    $("page-title").focus();
  };
}

let flow;
let scan;

async function main() {
  engine = await startField(context);
  session = uuid ? await loadSession() : null;
  $("loading").hidden = true;
  if (!session || session.kind !== "session") {
    $("page-title").textContent = t("unknown_session");
    return;
  }
  document.title = `${siteName()} · Terloops`;
  if (session.ended_at) return showFinished();
  $("page-title").textContent = siteName();
  $("capture").hidden = false;
  fillZones();
  const currentZone = () => Number($("zone").value);
  flow = new EncounterFlow($("panel-encounter"), {
    session: uuid, context, zone: currentZone,
    onSaved: async (record, label, changed) => {
      if (!changed) await remember({ type: "record", uuid: record.uuid, label });
      announce(t(changed ? "encounter_changed" : "encounter_saved", { label }));
      await refresh();
    },
  });
  scan = new ScanCounter($("panel-scan"), {
    session: uuid, context, onTap: remember,
    onSaved: async (record, people) => {
      const label = t("scan_saved", { zone: zoneNames[record.zone], n: people });
      await remember({ type: "record", uuid: record.uuid, label: describe(record) });
      announce(label);
      await refresh();
    },
  });
  $("zone").addEventListener("change", () => scan.show(currentZone(), zoneNames[currentZone()]));
  await scan.show(currentZone(), zoneNames[currentZone()]);
  wireTabs();
  $("undo").addEventListener("click", undo);
  $("undo").disabled = (await getMeta(`undo:${uuid}`, [])).length === 0;
  $("save-note").addEventListener("click", saveNote);
  $("end-session").addEventListener("click", endSession);
  tickElapsed();
  setInterval(tickElapsed, 1000);
  await renderTally();
}

main();
