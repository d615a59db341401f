// Building records the way the sync API takes them, and changing them afterwards.
import { byIndex, get, saveRecord, transact } from "./store.js";

// A time with the phone's own offset, e.g. 2026-05-01T14:05:03.120+02:00.
export function localIso(date = new Date()) {
  const pad = (n, width = 2) => String(Math.abs(n)).padStart(width, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `.${pad(date.getMilliseconds(), 3)}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

function newUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A new record of any kind, stamped with a UUID, revision 1 and the device time.
// `extra` stays with the phone's copy only (see store.saveRecord).
export async function create(kind, fields, context, extra = {}) {
  const record = { uuid: newUuid(), kind, revision: 1, device_time: localIso(),
                   codebook_version: context.codebookVersion, ...fields };
  await saveRecord(record, context, extra);
  return record;
}

// A correction: the same UUID with the next revision and the changed fields.
export async function correct(uuid, changes, context, extra = {}) {
  const local = await get("records", uuid);
  const record = { ...local.record, ...changes, revision: local.record.revision + 1,
                   device_time: localIso() };
  await saveRecord(record, context, extra);
  return record;
}

// Undo a saved record. If it never left the phone it simply disappears; otherwise a
// correction withdraws it (retracted), so the server and the audit trail agree.
export async function withdraw(uuid, context) {
  const unsent = async () => {
    const entries = await byIndex("outbox", "uuid", uuid);
    const local = await get("records", uuid);
    if (!local || local.synced || entries.some((entry) => entry.tries > 0)) return false;
    await transact(["records", "outbox"], "readwrite", async (s) => {
      for (const entry of entries) s.outbox.delete(entry.seq);
      s.records.delete(uuid);
    });
    return true;
  };
  // Hold the sync lock so that no batch carrying this record is on its way meanwhile.
  const dropped = navigator.locks
    ? await navigator.locks.request("terloops-sync", unsent)
    : await unsent();
  if (!dropped) await correct(uuid, { retracted: true }, context);
}

// Every local record of a session, newest version of each, in the order made.
export async function sessionRecords(sessionUuid) {
  const rows = await byIndex("records", "session", sessionUuid);
  return rows.map((row) => row.record)
    .sort((a, b) => Date.parse(recordTime(a)) - Date.parse(recordTime(b)));
}

function recordTime(record) {
  return record.started_at || record.observed_at || record.occurred_at || record.written_at;
}

