// The sync engine: sends the outbox in batches, in order, and never loses an entry.
// An entry leaves the outbox only when the server has answered for it. Network errors
// and server trouble back off exponentially (never sooner than a Retry-After asks); an expired login pauses until the user
// logs in again; the server's verdict "conflict" or "invalid" moves a record to
// `rejected`, visible to the user, so one bad record never blocks the rest.
// Every reply also lists the sessions the server closed because they were not ended
// (`closed_sessions`): they are marked ended here, and a "closed" event tells the page.
// With nothing to send, the engine still asks the server now and then (an empty batch),
// so that a phone that comes back online learns of them.
import { all, getMeta, pending, setMeta, transact } from "./store.js";

const MIN_DELAY = 2000;
const MAX_DELAY = 5 * 60 * 1000;
const CHECK_EVERY = 60 * 1000;

export class SyncEngine extends EventTarget {
  constructor({ user, endpoint = "/api/v1/sync", batchSize = 100 }) {
    super();
    this.user = user;
    this.endpoint = endpoint;
    this.batchSize = batchSize;
    this.failures = 0;
    this.timer = null;
    this.checked = 0;
    this.state = { waiting: 0, rejected: 0, phase: "idle", lastSync: null, error: null };
  }

  async start() {
    this.state.lastSync = await getMeta(`lastSync:${this.user}`);
    window.addEventListener("online", () => {
      this.checked = 0;
      this.soon(0);
    });
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
        await this.check();
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
    if (!response.ok) {
      // 429 (too many requests) and 503 (busy) say when to come back: not sooner.
      this.retryAfter = 1000 * (Number(response.headers.get("Retry-After")) || 0);
      return "server";
    }
    const reply = await response.json();
    await this.settle(batch, reply.results);
    this.state.lastSync = reply.server_time;
    await setMeta(`lastSync:${this.user}`, reply.server_time);
    await this.learn(reply);
    return "done";
  }

  // Nothing to send: ask the server anyway (at most once a minute, or on coming online)
  // whether it closed one of our sessions. A failure here is no failure of the sync.
  async check() {
    if (!navigator.onLine || Date.now() - this.checked < CHECK_EVERY) return;
    this.checked = Date.now();
    try {
      const response = await fetch(this.endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ records: [] }),
      });
      if (response.ok) await this.learn(await response.json());
    } catch {
      // Offline after all: the next check or batch tells.
    }
  }

  async learn(reply) {
    this.checked = Date.now();
    const changed = await markClosedByServer(this.user, reply.closed_sessions || []);
    if (changed.length) this.dispatchEvent(new CustomEvent("closed", { detail: changed }));
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
    const delay = Math.max(this.retryAfter || 0,
                           Math.min(MAX_DELAY, MIN_DELAY * 2 ** (this.failures - 1)));
    this.retryAfter = 0;
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

// Sessions the server ended because they were not ended: the phone's copy is marked ended
// as the server says (`closedByServer`), without sending anything. A session the phone ended
// itself is left as it is. Returns the UUIDs that changed.
export async function markClosedByServer(user, closed) {
  const changed = [];
  if (!closed.length) return changed;
  await transact(["records"], "readwrite", async (s) => {
    for (const entry of closed) {
      const request = s.records.get(entry.uuid);
      request.onsuccess = () => {
        const local = request.result;
        if (!local || local.user !== user || local.kind !== "session") return;
        if (local.record.ended_at && !local.closedByServer) return;
        if (local.closedByServer?.ended_at === entry.ended_at) return;
        s.records.put({ ...local, record: { ...local.record, ended_at: entry.ended_at },
                        closedByServer: { ended_at: entry.ended_at,
                                          auto_closed_at: entry.auto_closed_at } });
        changed.push(entry.uuid);
      };
    }
  });
  return changed;
}

export async function rejectedRecords(user) {
  return (await all("rejected")).filter((row) => row.user === user)
    .sort((a, b) => a.at.localeCompare(b.at));
}
