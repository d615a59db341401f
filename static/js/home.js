// Fieldwork home: open sessions on this phone (and on the server), and the capture pages
// stored for offline use.
import { pageData, startField, strings, t, timeOf } from "./field.js";
import { all, remove } from "./store.js";
import { rejectedRecords } from "./sync.js";

const data = pageData("capture-data");
const context = { user: data.user, study: data.study.slug, codebookVersion: data.codebook.version };
const siteName = (id) => data.sites.find((s) => s.id === id)?.name || "";

async function openSessions() {
  const local = (await all("records"))
    .filter((row) => row.kind === "session" && row.user === data.user && row.study === data.study.slug)
    .map((row) => row.record)
    .filter((record) => !record.ended_at && !record.retracted);
  const known = new Set(local.map((record) => record.uuid));
  const remote = data.open_sessions.filter((s) => !known.has(s.uuid));
  return [...local.map((r) => ({ uuid: r.uuid, site: r.site, started_at: r.started_at })), ...remote]
    .sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
}

async function showOpenSessions() {
  const sessions = await openSessions();
  const list = document.getElementById("open-sessions");
  list.replaceChildren(...sessions.map((session) => {
    const item = document.createElement("li");
    item.className = "card";
    const title = document.createElement("p");
    title.className = "card-title";
    title.textContent = `${siteName(session.site)} · ${t("started", { time: timeOf(session.started_at) })}`;
    const link = document.createElement("a");
    link.className = "button primary";
    link.href = `session#${session.uuid}`;
    link.textContent = t("continue");
    const action = document.createElement("p");
    action.append(link);
    item.append(title, action);
    return item;
  }));
  document.getElementById("open-section").hidden = sessions.length === 0;
}

// Keep the start and session screens in the offline cache, ready for a place without signal.
async function keepPagesOffline() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.ready;
  const base = location.pathname.replace(/\/$/, "");
  registration.active?.postMessage({ type: "cache-pages",
                                     urls: [`${base}/`, `${base}/start`, `${base}/session`] });
}

// Records the server refused, with its reasons, so the fieldworker can act on them.
async function showRejected() {
  const rows = (await rejectedRecords(data.user)).filter((row) => row.study === data.study.slug);
  const list = document.getElementById("rejected");
  list.replaceChildren(...rows.map((row) => {
    const item = document.createElement("li");
    const text = document.createElement("span");
    const reasons = row.status === "conflict" ? [t("conflict")]
      : Object.entries(row.errors).map(([field, messages]) => `${field}: ${messages.join(" ")}`);
    const time = row.record.started_at || row.record.occurred_at || row.record.observed_at
      || row.record.written_at;
    text.textContent = `${strings.kinds[row.record.kind] || row.record.kind}` +
      `${time ? ` ${timeOf(time)}` : ""} – ${reasons.join("; ")}`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button small";
    button.textContent = t("dismiss");
    button.addEventListener("click", async () => {
      if (!window.confirm(t("confirm_dismiss"))) return;
      await remove("rejected", row.uuid);
      await showRejected();
    });
    item.append(text, button);
    return item;
  }));
  document.getElementById("rejected-section").hidden = rows.length === 0;
}

const engine = await startField(context);
let shownRejected = -1;
engine.addEventListener("change", ({ detail }) => {
  if (detail.rejected !== shownRejected) {
    shownRejected = detail.rejected;
    showRejected();
  }
});
showRejected();
showOpenSessions();
keepPagesOffline();
