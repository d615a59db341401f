// The sync engine: sends the outbox in batches, in order, and never loses an entry.
// An entry leaves the outbox only when the server has answered for it. Network errors
// and server trouble back off exponentially; an expired login pauses until the user
// logs in again; the server's verdict "conflict" or "invalid" moves a record to
// `rejected`, visible to the user, so one bad record never blocks the rest.
import { all, getMeta, pending, setMeta, transact } from "./store.js";

const MIN_DELAY = 2000;
const MAX_DELAY = 5 * 60 * 1000;

export class SyncEngine extends EventTarget {
  constructor({ user, endpoint = "/api/v1/sync", batchSize = 100 }) {
    super();
    this.user = user;
    this.endpoint = endpoint;
    this.batchSize = batchSize;
    this.failures = 0;
    this.timer = null;
    this.state = { waiting: 0, rejected: 0, phase: "idle", lastSync: null, error: null };
  }

  async start() {
    this.state.lastSync = await getMeta(`lastSync:${this.user}`);
    window.addEventListener("online", () => this.soon(0));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.soon(0);
    });
    await this.refresh();
    this.soon(0);
  }

  // Ask for a sync after `delay` ms (sooner requests win).
  soon(delay = 800) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.drain(), delay);
  }

  async refresh(changes = {}) {
    const rejected = await rejectedRecords(this.user);
    // `refused` lists them (oldest first), so the status line can say which and why.
    this.state = { ...this.state, ...changes, waiting: (await pending(this.user)).length,
                   rejected: rejected.length, refused: rejected };
    this.dispatchEvent(new CustomEvent("change", { detail: this.state }));
  }

  async drain() {
    if (this.state.phase === "auth") return;
    const run = () => this.sendAll();
    if (navigator.locks) await navigator.locks.request("terloops-sync", run);
    else await run();
  }

  async sendAll() {
    this.renewedToken = false;
    for (;;) {
      const batch = await pending(this.user, this.batchSize);
      if (!batch.length) {
        return this.refresh({ phase: "idle", error: null });
      }
      if (!navigator.onLine) {
        return this.refresh({ phase: "offline" });
      }
      await this.refresh({ phase: "sending" });
      const outcome = await this.send(batch);
      if (outcome === "retry-now") continue;
      if (outcome !== "done") return this.backOff(outcome);
      this.failures = 0;
    }
  }

  async send(batch) {
    await transact(["outbox"], "readwrite", async (s) => {
      for (const entry of batch) s.outbox.put({ ...entry, tries: entry.tries + 1 });
    });
    let response;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ records: batch.map((entry) => entry.record) }),
      });
    } catch {
      return "network";
    }
    if (response.status === 401) {
      await this.refresh({ phase: "auth" });
      return "auth";
    }
    if (response.status === 400 && !response.headers.get("content-type")?.includes("json")) {
      return "server";
    }
    if (response.status === 400) {
      // Most likely a stale CSRF token in a page served from the offline cache.
      if (!this.renewedToken && (await renewCsrfToken())) {
        this.renewedToken = true;
        return "retry-now";
      }
      return "server";
    }
    if (response.status === 413 && this.batchSize > 1) {
      this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
      return "retry-now";
    }
    if (!response.ok) return "server";
    const { results, server_time: serverTime } = await response.json();
    await this.settle(batch, results);
    this.state.lastSync = serverTime;
    await setMeta(`lastSync:${this.user}`, serverTime);
    return "done";
  }

  // Apply the server's verdicts: remove what arrived, set aside what was refused.
  async settle(batch, results) {
    await transact(["outbox", "records", "rejected"], "readwrite", async (s) => {
      batch.forEach((entry, index) => {
        const result = results[index] || { status: "invalid", errors: {} };
        s.outbox.delete(entry.seq);
        if (["created", "updated", "duplicate"].includes(result.status)) {
          const request = s.records.get(entry.uuid);
          request.onsuccess = () => {
            const local = request.result;
            if (local && local.record.revision === entry.record.revision) {
              s.records.put({ ...local, synced: true });
            }
          };
        } else {
          s.rejected.put({ uuid: entry.uuid, user: this.user, study: entry.study,
                           status: result.status, errors: result.errors || {},
                           record: entry.record, at: new Date().toISOString() });
        }
      });
    });
  }

  async backOff(reason) {
    if (reason === "auth") return;
    this.failures += 1;
    const delay = Math.min(MAX_DELAY, MIN_DELAY * 2 ** (this.failures - 1));
    const jitter = delay * 0.2 * Math.random();
    await this.refresh({ phase: reason === "network" ? "offline" : "error",
                         error: reason, retryAt: Date.now() + delay });
    this.soon(delay + jitter);
  }
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

async function renewCsrfToken() {
  try {
    const response = await fetch("/api/v1/csrf-token", { credentials: "same-origin" });
    if (!response.ok) return false;
    const { csrf_token: token } = await response.json();
    document.querySelector('meta[name="csrf-token"]').content = token;
    return true;
  } catch {
    return false;
  }
}

export async function rejectedRecords(user) {
  return (await all("rejected")).filter((row) => row.user === user)
    .sort((a, b) => a.at.localeCompare(b.at));
}
