// What every fieldwork page shares: page data, the service worker, the sync engine,
// the status line, the records the server refused (fix, download or remove them) and
// the "download queue" rescue.
import { all, get, pending, remove } from "./store.js";
import { markClosedByServer, SyncEngine } from "./sync.js";
import { say } from "./words.js";

export function pageData(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

export const strings = pageData("field-strings") || {};

// A translated text with its %(name)s placeholders filled; a count of one takes `_one`.
export const t = (key, values = {}) => say(strings, key, values);

// A time of day in the page language's clock, as the server writes it: 14:05, or 2:05 PM.
export function timeOf(iso) {
  const lang = document.documentElement.lang;
  const cycle = new Intl.DateTimeFormat(lang, { hour: "numeric" }).resolvedOptions().hourCycle;
  const hour = cycle === "h23" || cycle === "h24" ? "2-digit" : "numeric";
  return new Date(iso).toLocaleTimeString(lang, { hour, minute: "2-digit" });
}

// A day and time as the server writes them: "wo 25 nov, 14:05".
export function dayTimeOf(iso) {
  const lang = document.documentElement.lang;
  const day = new Date(iso).toLocaleDateString(lang, { weekday: "short", day: "numeric", month: "short" });
  return `${day}, ${timeOf(iso)}`;
}

// "Note 14:05": what a record is, in the user's words.
export function recordName(record) {
  const time = record.started_at || record.occurred_at || record.observed_at || record.written_at;
  const kind = strings.kinds?.[record.kind] || record.kind;
  return time ? `${kind} ${timeOf(time)}` : kind;
}

// Why the server refused a record, with its field names in the user's words.
export function refusal(row) {
  if (row.status === "conflict") return t("conflict");
  return Object.entries(row.errors || {}).map(([field, messages]) => {
    const name = field === "record" ? "" : strings.fields?.[field] || field;
    return `${name ? `${name}: ` : ""}${messages.join(" ")}`;
  }).join("; ");
}

function statusText(state) {
  const parts = [];
  const refused = state.refused || [];
  if (refused.length) {
    const [row] = refused;
    parts.push(t("not_saved", { n: refused.length, what: recordName(row.record), why: refusal(row) }));
  }
  if (state.phase === "auth") {
    parts.push(t("auth", { n: state.waiting }));
  } else if (state.waiting === 0) {
    // Never "all saved" while the server has refused a record.
    if (!refused.length) parts.push(t("saved"));
  } else if (state.phase === "offline") {
    parts.push(t("offline", { n: state.waiting }));
  } else if (state.phase === "error") {
    parts.push(t("failed", { n: state.waiting, time: timeOf(state.retryAt) }));
  } else {
    parts.push(t("waiting", { n: state.waiting }));
  }
  if (state.lastSync) parts.push(t("last_sync", { time: timeOf(state.lastSync) }));
  return parts.join(" · ");
}

function phaseOf(state) {
  if (state.phase === "auth") return "auth";
  if (state.rejected) return "refused";
  return state.waiting === 0 ? "saved" : state.phase;
}

function showStatus(state, context) {
  for (const element of document.querySelectorAll("[data-sync-status]")) {
    const text = statusText(state);
    if (element.textContent !== text) element.textContent = text;
    element.dataset.phase = phaseOf(state);
  }
  for (const link of document.querySelectorAll("[data-login-again]")) {
    link.hidden = state.phase !== "auth";
    // Come back to this very screen (the session's UUID is after the #) once logged in.
    link.href = `/login?next=${encodeURIComponent(location.pathname + location.hash)}`;
  }
  // The rescue is offered when sending is stuck, not for a record on its way.
  const stuck = state.waiting > 0 && ["offline", "error", "auth"].includes(state.phase);
  for (const button of document.querySelectorAll("[data-download-queue]")) {
    button.hidden = !stuck && state.rejected === 0;
  }
  showRefused(state.refused || [], context);
}

// The refused records, each with what the user can do: fix it, or remove it.
let shownRefused = null;
let fixHere = null;

// The session screen fixes records of its own session itself (see capture.js).
export function onFix(handler) {
  fixHere = handler;
}

async function fixable(row) {
  if (row.status !== "invalid" || !["note", "encounter", "scan"].includes(row.record.kind)) {
    return false;
  }
  // A fix is a correction of the phone's own copy, within a session still open here.
  const session = (await get("records", row.record.session))?.record;
  const own = await get("records", row.uuid);
  return Boolean(own && session && !session.ended_at && !session.retracted &&
                 !row.record.retracted);
}

async function fix(row) {
  if (fixHere && (await fixHere(row))) return;
  location.href = `/studies/${row.study}/field/session?fix=${row.uuid}#${row.record.session}`;
}

async function showRefused(rows, context) {
  const key = rows.map((row) => `${row.uuid}:${row.record.revision}`).join(",");
  if (key === shownRefused) return;
  shownRefused = key;
  const canFix = await Promise.all(rows.map(fixable));
  if (key !== shownRefused) return;
  for (const block of document.querySelectorAll("[data-refused]")) {
    block.querySelector("[data-refused-list]").replaceChildren(
      ...rows.map((row, index) => refusedItem(row, canFix[index], context)));
    block.hidden = rows.length === 0;
  }
}

function refusedItem(row, canFix, context) {
  const item = document.createElement("li");
  const text = document.createElement("span");
  text.textContent = `${recordName(row.record)} – ${refusal(row)}`;
  item.append(text);
  if (canFix) item.append(button(t("fix"), () => fix(row)));
  item.append(button(t("dismiss"), async () => {
    if (!window.confirm(t("confirm_dismiss"))) return;
    await remove("rejected", row.uuid);
    await context.engine.refresh();
  }));
  return item;
}

// The "−1 correct" toggle of a counting panel: while it is pressed, taps subtract one.
export function toggleMinus(panel, button) {
  const on = button.getAttribute("aria-pressed") !== "true";
  button.setAttribute("aria-pressed", String(on));
  panel.classList.toggle("minus-mode", on);
  return on;
}

// A small action button, as lists of records use them.
export function button(label, handler) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "button small";
  element.textContent = label;
  element.addEventListener("click", handler);
  return element;
}

async function downloadQueue(user) {
  const entries = await pending(user);
  const rejected = (await all("rejected")).filter((row) => row.user === user);
  const file = {
    format: "terloops-queue", version: 1, exported_at: new Date().toISOString(),
    user, records: entries.map((entry) => entry.record),
    rejected: rejected.map((row) => ({ record: row.record, status: row.status, errors: row.errors })),
  };
  const blob = new Blob([JSON.stringify(file, null, 1)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `terloops-wachtrij-${new Date().toISOString().slice(0, 16).replace(":", "")}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

export async function startField(context) {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  }
  // The page's own list of sessions the server closed (also when it comes from the cache).
  await markClosedByServer(context.user, pageData("capture-data")?.closed_sessions || []);
  const engine = new SyncEngine({ user: context.user });
  const shared = { engine };
  engine.addEventListener("change", (event) => showStatus(event.detail, shared));
  for (const element of document.querySelectorAll("[data-download-queue]")) {
    element.addEventListener("click", () => downloadQueue(context.user));
  }
  await engine.start();
  return engine;
}
