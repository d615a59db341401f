// The session screen: encounters, scans and notes, with undo, a running tally and the
// end of the session. Everything is saved on the phone first and synced in the background;
// a record the server refuses comes back into its editor here to be fixed.
import { EncounterFlow } from "./encounter.js";
import { button, onFix, pageData, recordName, startField, t, timeOf } from "./field.js";
import { tooLong } from "./page.js";
import { correct, create, localIso, sessionRecords, withdraw } from "./records.js";
import { PasserCounter } from "./passers.js";
import { ScanCounter } from "./scan.js";
import { get, getMeta, put, remove, setMeta } from "./store.js";
import { rejectedRecords } from "./sync.js";

const data = pageData("capture-data");
const context = { user: data.user, study: data.study.slug, codebookVersion: data.codebook.version };
const uuid = location.hash.slice(1);
const $ = (id) => document.getElementById(id);
const zoneNames = Object.fromEntries(data.sites.flatMap((s) => s.zones.map((z) => [z.id, z.name])));
const countingLines = new Set(data.sites.flatMap((s) => s.zones.filter((z) => z.counting_line))
  .map((z) => z.id));
let session;
let engine;
let timer = null;
// The refused note being corrected in the note editor, if any.
let fixingNote = null;

// The session from this phone, or from the server; otherwise why it cannot be shown.
async function loadSession() {
  if (!uuid) return { missing: "no_session" };
  const local = await get("records", uuid);
  if (local) return { session: local.record };
  let response;
  try {
    response = await fetch(`/api/v1/sessions/${uuid}`, { credentials: "same-origin" });
  } catch {
    return { missing: "unknown_session" };
  }
  if (response.status === 401) return { missing: "login_to_load" };
  if (!response.ok) return { missing: "not_yours" };
  // Continue on this phone a session started elsewhere: keep its records as synced. The
  // session goes last: a load cut short leaves it out, so the next load fetches it all again.
  const records = (await response.json()).records;
  records.sort((a, b) => (a.kind === "session") - (b.kind === "session"));
  for (const record of records) {
    await put("records", { uuid: record.uuid, kind: record.kind, session: record.session || record.uuid,
                           user: data.user, study: data.study.slug, record, synced: true });
  }
  const record = (await get("records", uuid))?.record;
  return record ? { session: record } : { missing: "not_yours" };
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
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", () => selectTab(tab.id.slice(4)));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      // The tabs shown (passers-by only in a session with a counting line).
      const tabs = [...document.querySelectorAll('[role="tab"]:not([hidden])')];
      const index = tabs.indexOf(tab);
      const next = tabs[(index + step + tabs.length) % tabs.length];
      next.focus();
      selectTab(next.id.slice(4));
    });
  }
}

function describe(record) {
  const labelOf = (step, value) =>
    document.querySelector(`[data-step="${step}"] [data-value="${value ?? ""}"]`)?.dataset.label;
  if (record.kind === "encounter") {
    return [labelOf("type", record.encounter_type), labelOf("parties", record.parties),
            labelOf("relation", record.relation)].filter(Boolean).join(" · ");
  }
  if (record.kind === "scan") {
    const people = Object.values(record.counts.age || {}).reduce((a, b) => a + b, 0);
    return `${t("scan")} ${zoneNames[record.zone] || ""}: ${t("people", { n: people })}`;
  }
  if (record.kind === "passers") {
    const people = Object.values(record.counts.mode || {}).reduce((a, b) => a + b, 0);
    return t("passers_record", { zone: zoneNames[record.zone] || "", n: people, minutes: record.minutes });
  }
  return `${t("note")}: ${record.text.slice(0, 60)}`;
}

// The session's records that count: not withdrawn, and not refused before the server
// ever stored them (those are listed under the status line instead).
async function liveRecords() {
  const refused = new Set((await rejectedRecords(data.user))
    .filter((row) => row.record.revision === 1).map((row) => row.uuid));
  return (await sessionRecords(uuid))
    .filter((r) => r.kind !== "session" && !r.retracted && !refused.has(r.uuid));
}

function sessionLines() {
  return session.zones.filter((id) => countingLines.has(id))
    .map((id) => ({ id, name: zoneNames[id] || `#${id}` }));
}

function summaryItems(records) {
  const count = (kind) => records.filter((r) => r.kind === kind).length;
  const items = [t("encounters", { n: count("encounter") }), t("scans", { n: count("scan") }),
                 t("notes", { n: count("note") })];
  // Passer counts where passers-by can be counted (or were).
  if (sessionLines().length || count("passers")) items.push(t("passer_counts", { n: count("passers") }));
  return items;
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
    const time = record.started_at || record.occurred_at || record.observed_at || record.written_at;
    text.textContent = `${timeOf(time)} ${describe(record)}`;
    item.append(text);
    if (record.kind === "encounter") item.append(button(t("change"), () => {
      selectTab("encounter");
      flow.edit(record, `${t("change")}: ${timeOf(time)} ${describe(record)}`);
    }));
    item.append(button(t("remove"), async () => {
      await withdraw(record.uuid, context);
      announce(t("removed", { label: describe(record) }));
      await refresh();
    }));
    list.append(item);
  }
}

async function refresh() {
  await renderTally();
  if (!$("panel-log").hidden) await renderOverview();
  await engine.refresh();
  engine.soon();
}

async function undo() {
  const history = await getMeta(`undo:${uuid}`, []);
  let action = history.pop();
  // Taps of a passers-by count that has been saved since are done with: its record is undone.
  while (action?.type === "passers" && !passers?.running(action.count)) action = history.pop();
  await setMeta(`undo:${uuid}`, history);
  $("undo").disabled = history.length === 0;
  if (!action) return announce(t("nothing_to_undo"));
  if (action.type === "record") {
    await withdraw(action.uuid, context);
  } else if (action.type === "passers") {
    passers.onTap = null;
    await passers.tap(action.target, -action.delta, action.label);
    passers.onTap = remember;
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

function noteError(message) {
  const error = $("note-error");
  error.textContent = message;
  error.hidden = false;
  $("note-text").setAttribute("aria-invalid", "true");
  $("note-text").focus();
}

function setNote(text) {
  $("note-text").value = text;
  $("note-text").dispatchEvent(new Event("input"));
}

async function saveNote() {
  const text = $("note-text").value.trim();
  if (!text) return noteError(t("note_empty"));
  // Never cut a note: one the server would refuse stays here, whole, with the reason.
  const over = tooLong($("note-text"));
  if (over) return noteError(t("too_long", over));
  $("note-error").hidden = true;
  $("note-text").removeAttribute("aria-invalid");
  const zone = $("note-zone").value;
  const fields = { zone: zone ? Number(zone) : null, text };
  let record;
  if (fixingNote) {
    record = await correct(fixingNote.uuid, { ...fields, ...fixingNote.changes }, context);
    await remove("rejected", fixingNote.uuid);
    fixingNote = null;
  } else {
    record = await create("note", { session: uuid, written_at: localIso(), ...fields }, context);
    await remember({ type: "record", uuid: record.uuid, label: t("note") });
  }
  setNote("");
  // The status line counts the new record before it is announced, so that "all saved" never
  // describes the moment before it.
  await refresh();
  announce(t("note_saved"));
}

// A refused record of this session back into its editor, its text and counts kept.
async function fixRecord(row) {
  if (row.record.session !== uuid || session.ended_at) return false;
  const record = (await get("records", row.uuid))?.record || row.record;
  const what = recordName(record);
  // A time the server refused (outside the session, say) becomes the time of the fix.
  const retime = (field) => (row.errors?.[field] ? { [field]: localIso() } : {});
  if (record.kind === "note") {
    selectTab("note");
    $("note-zone").value = record.zone ? String(record.zone) : "";
    setNote(record.text);
    fixingNote = { uuid: record.uuid, changes: retime("written_at") };
    $("note-text").focus();
  } else if (record.kind === "encounter") {
    selectTab("encounter");
    flow.edit(record, `${t("fix")}: ${what}`, retime("occurred_at"));
  } else if (record.kind === "scan") {
    selectTab("scan");
    const zone = record.zone ?? Number($("zone").value);
    $("zone").value = String(zone);
    await scan.show(zone, zoneNames[zone]);
    if (scan.hasCounts() && !scan.draft.fixing && !window.confirm(t("replace_draft"))) return true;
    const local = await get("records", row.uuid);
    await scan.load(record, { cells: local?.cells,
                              observedAt: row.errors?.observed_at ? null : record.observed_at });
  } else {
    return false;
  }
  announce(t("fixing", { what }));
  return true;
}

// Say so when the server refuses a record, so that "saved" is never the last word on it.
function watchRefusals() {
  let known = null;
  engine.addEventListener("change", ({ detail }) => {
    const rows = detail.refused || [];
    const fresh = known ? rows.filter((row) => !known.has(`${row.uuid}:${row.record.revision}`)) : [];
    known = new Set(rows.map((row) => `${row.uuid}:${row.record.revision}`));
    if (fresh.length) {
      announce(t("refused_now", { what: recordName(fresh[fresh.length - 1].record) }));
      renderTally();
    }
  });
}

// Time since the start while the session runs; its fixed length once it has ended.
function tickElapsed() {
  const until = session.ended_at ? Date.parse(session.ended_at) : Date.now();
  const seconds = Math.max(0, Math.floor((until - Date.parse(session.started_at)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
  const s = String(seconds % 60).padStart(2, "0");
  $("elapsed").textContent = h ? `${h}:${m}:${s}` : `${m}:${s}`;
}

function stopTimer() {
  clearInterval(timer);
  timer = null;
  tickElapsed();
  $("elapsed-label").textContent = `${$("elapsed-label").dataset.ended}:`;
}

// The server's end of a session it closed because it was not ended, if it did.
async function serverEnd() {
  const local = await get("records", uuid);
  return local?.closedByServer || data.closed_sessions?.find((s) => s.uuid === uuid) || null;
}

async function showFinished() {
  stopTimer();
  $("capture").hidden = true;
  $("page-title").textContent = `${siteName()}`;
  const closed = await serverEnd();
  $("finished-text").textContent = closed
    ? t("closed_here", { time: timeOf(closed.ended_at) })
    : t("ended");
  fillList($("finished-summary"), summaryItems(await liveRecords()));
  $("finished").hidden = false;
}

async function endSession() {
  const dialog = $("end-dialog");
  fillList($("end-summary"), summaryItems(await liveRecords()));
  $("end-draft").hidden = !scan.hasCounts();
  $("end-passers").hidden = !passers?.running();
  dialog.showModal();
  $("end-cancel").onclick = () => dialog.close();
  $("end-confirm").onclick = async () => {
    // A draft that does not add up is not saved, and the session stays open to fix it.
    if (scan.hasCounts() && !(await scan.save())) {
      dialog.close();
      return selectTab("scan");
    }
    // So is a passers-by count in progress (the dialog said so: no second question).
    if (passers?.running() && !(await passers.finish({ ask: false }))) {
      dialog.close();
      return selectTab("passers");
    }
    session = await correct(uuid, { ended_at: localIso() }, context);
    dialog.close();
    engine.soon(0);
    await showFinished();
    $("page-title").focus();
  };
}

// No session to show: say why, and lead back to Fieldwork.
function showMissing(reason) {
  $("missing-text").textContent = t(reason);
  $("missing").hidden = false;
}

let flow;
let scan;
let passers = null;

// The passers-by tab, in a session with at least one counting line.
async function startPassers() {
  const lines = sessionLines();
  if (!lines.length) return;
  $("tab-passers").hidden = false;
  document.querySelector(".tabs").classList.add("five");
  passers = new PasserCounter($("panel-passers"), {
    session: uuid, context, lines, announce, onTap: remember,
    onSaved: async (record) => {
      const what = describe(record);
      await remember({ type: "record", uuid: record.uuid, label: what });
      await refresh();
      announce(t("passers_saved", { what }));
    },
  });
  await passers.show();
}

async function main() {
  engine = await startField(context);
  // The server closed this session while the screen was open: stop pretending it runs.
  engine.addEventListener("closed", async ({ detail }) => {
    if (!session || !detail.includes(uuid) || !$("finished").hidden) return;
    session = (await get("records", uuid)).record;
    $("end-dialog").close();
    await showFinished();
  });
  const found = await loadSession();
  session = found.session?.kind === "session" ? found.session : null;
  $("loading").hidden = true;
  if (!session) return showMissing(found.missing || "not_yours");
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
      // A fixed refused encounter is sent again as a correction; the refusal is gone.
      if (changed) await remove("rejected", record.uuid);
      await refresh();
      announce(t(changed ? "encounter_changed" : "encounter_saved", { label }));
    },
  });
  scan = new ScanCounter($("panel-scan"), {
    session: uuid, context, rules: data.scan_rules, onTap: remember,
    onSaved: async (record, people, fixed) => {
      const label = t("scan_saved", { zone: zoneNames[record.zone], n: people });
      if (fixed) await remove("rejected", record.uuid);
      else await remember({ type: "record", uuid: record.uuid, label: describe(record) });
      await refresh();
      announce(label);
    },
  });
  $("zone").addEventListener("change", () => scan.show(currentZone(), zoneNames[currentZone()]));
  await scan.show(currentZone(), zoneNames[currentZone()]);
  await startPassers();
  wireTabs();
  $("undo").addEventListener("click", undo);
  $("undo").disabled = (await getMeta(`undo:${uuid}`, [])).length === 0;
  $("save-note").addEventListener("click", saveNote);
  $("end-session").addEventListener("click", endSession);
  tickElapsed();
  timer = setInterval(tickElapsed, 1000);
  await renderTally();
  watchRefusals();
  onFix(fixRecord);
  // Opened from a refused record elsewhere ("Fix"): bring it into its editor.
  const fix = new URLSearchParams(location.search).get("fix");
  if (fix) {
    history.replaceState(null, "", location.pathname + location.hash);
    const row = (await rejectedRecords(data.user)).find((r) => r.uuid === fix);
    if (row) await fixRecord(row);
  }
}

main();
