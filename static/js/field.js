// What every fieldwork page shares: page data, the service worker, the sync engine,
// the status line and the "download queue" rescue.
import { all, pending } from "./store.js";
import { SyncEngine } from "./sync.js";

export function pageData(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

export const strings = pageData("field-strings") || {};

// Fill %(name)s placeholders of a translated text; a count of one takes the `_one` form.
export function t(key, values = {}) {
  const text = (values.n === 1 && strings[`${key}_one`]) || strings[key] || key;
  return text.replace(/%\((\w+)\)[sd]/g, (_, name) => values[name] ?? "");
}

export function timeOf(iso) {
  return new Date(iso).toLocaleTimeString(document.documentElement.lang, {
    hour: "2-digit", minute: "2-digit" });
}

function statusText(state) {
  const parts = [];
  if (state.phase === "auth") {
    parts.push(t("auth", { n: state.waiting }));
  } else if (state.waiting === 0) {
    parts.push(t("saved"));
  } else if (state.phase === "offline") {
    parts.push(t("offline", { n: state.waiting }));
  } else if (state.phase === "error") {
    parts.push(t("failed", { n: state.waiting, time: timeOf(state.retryAt) }));
  } else {
    parts.push(t("waiting", { n: state.waiting }));
  }
  if (state.lastSync) parts.push(t("last_sync", { time: timeOf(state.lastSync) }));
  if (state.rejected) parts.push(t("rejected", { n: state.rejected }));
  return parts.join(" · ");
}

function showStatus(state) {
  for (const element of document.querySelectorAll("[data-sync-status]")) {
    element.textContent = statusText(state);
    element.dataset.phase = state.waiting === 0 && state.phase !== "auth" ? "saved" : state.phase;
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
  const engine = new SyncEngine({ user: context.user });
  engine.addEventListener("change", (event) => showStatus(event.detail));
  for (const button of document.querySelectorAll("[data-download-queue]")) {
    button.addEventListener("click", () => downloadQueue(context.user));
  }
  await engine.start();
  return engine;
}
