// Fieldwork home: open sessions (those the server knows are in the page; this adds the
// ones only on this phone and drops those ended here), and the capture pages stored for
// offline use. Refused records are listed under the status line (field.js). Sessions the
// server closed because they were not ended get a short notice (the page lists those the
// server knew; this adds those this phone learnt of since).
import { dayTimeOf, pageData, startField, t, timeOf } from "./field.js";
import { all } from "./store.js";

const data = pageData("capture-data");
const context = { user: data.user, study: data.study.slug, codebookVersion: data.codebook.version };
const siteName = (id) => data.sites.find((s) => s.id === id)?.name || "";

function card(session) {
  const item = document.createElement("li");
  item.className = "card";
  item.dataset.session = session.uuid;
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
}

async function showOpenSessions() {
  const local = (await all("records"))
    .filter((row) => row.kind === "session" && row.user === data.user && row.study === data.study.slug)
    .map((row) => row.record);
  const closed = new Set(local.filter((r) => r.ended_at || r.retracted).map((r) => r.uuid));
  const list = document.getElementById("open-sessions");
  for (const item of [...list.children]) {
    if (closed.has(item.dataset.session)) item.remove();
  }
  const shown = new Set([...list.children].map((item) => item.dataset.session));
  const added = local.filter((r) => !closed.has(r.uuid) && !shown.has(r.uuid))
    .sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
  list.append(...added.map(card));
  document.getElementById("open-section").hidden = list.children.length === 0;
}

function closedNotice(row) {
  const item = document.createElement("p");
  item.className = "flash";
  item.dataset.session = row.uuid;
  item.textContent = t("closed_by_server", { site: siteName(row.record.site),
                                            time: dayTimeOf(row.closedByServer.ended_at) });
  return item;
}

async function showClosedSessions() {
  const box = document.getElementById("closed-sessions");
  const shown = new Set([...box.children].map((item) => item.dataset.session));
  const closed = (await all("records")).filter((row) => row.kind === "session" &&
    row.user === data.user && row.study === data.study.slug && row.closedByServer &&
    !shown.has(row.uuid));
  box.append(...closed.map(closedNotice));
  box.hidden = box.children.length === 0;
}

// Keep the start and session screens in the offline cache, ready for a place without signal.
async function keepPagesOffline() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.ready;
  const base = location.pathname.replace(/\/$/, "");
  registration.active?.postMessage({ type: "cache-pages",
                                     urls: [`${base}/`, `${base}/start`, `${base}/session`] });
}

const engine = await startField(context);
engine.addEventListener("closed", () => {
  showClosedSessions();
  showOpenSessions();
});
await showClosedSessions();
showOpenSessions();
keepPagesOffline();
