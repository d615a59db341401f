// Local storage of everything the fieldworker records, in IndexedDB.
// Every record is written here first (with its UUID and device time), then synced.
//   records  – the newest local version of each record, by UUID
//   outbox   – what still has to reach the server, in the order it was made
//   drafts   – scans being counted, so a reload loses no tap
//   rejected – records the server refused, with its reasons
//   meta     – small settings: last sync, undo history per session

const DB_NAME = "terloops";
const DB_VERSION = 1;
let opening = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        const records = db.createObjectStore("records", { keyPath: "uuid" });
        records.createIndex("session", "session");
        const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        outbox.createIndex("user", "user");
        outbox.createIndex("uuid", "uuid");
        db.createObjectStore("drafts", { keyPath: "key" });
        db.createObjectStore("rejected", { keyPath: "uuid" });
        db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

// Run `work(stores)` in one transaction and wait until it is committed to disk.
export async function transact(names, mode, work) {
  const db = await openDb();
  const tx = db.transaction(names, mode, { durability: "strict" });
  const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
  const result = await work(stores);
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
  return result;
}

export const get = (store, key) => transact([store], "readonly", (s) => promised(s[store].get(key)));
export const all = (store) => transact([store], "readonly", (s) => promised(s[store].getAll()));
export const put = (store, value) => transact([store], "readwrite", (s) => promised(s[store].put(value)));
export const remove = (store, key) => transact([store], "readwrite", (s) => promised(s[store].delete(key)));

export function byIndex(store, index, value) {
  return transact([store], "readonly", (s) => promised(s[store].index(index).getAll(value)));
}

// Save a new record or a new revision: the local copy and the outbox entry in one step.
// `extra` is kept with the local copy only (a scan's age × gender cells, say).
export function saveRecord(record, { user, study }, extra = {}) {
  const entry = { uuid: record.uuid, kind: record.kind, user, study, record, tries: 0,
                  addedAt: new Date().toISOString() };
  const local = { uuid: record.uuid, kind: record.kind, session: record.session || record.uuid,
                  user, study, record, synced: false, ...extra };
  return transact(["records", "outbox"], "readwrite", async (s) => {
    await promised(s.records.put(local));
    await promised(s.outbox.add(entry));
  });
}

// The outbox entries of one user, oldest first.
export async function pending(user, limit = Infinity) {
  const entries = await byIndex("outbox", "user", user);
  entries.sort((a, b) => a.seq - b.seq);
  return entries.slice(0, limit);
}

export async function getMeta(key, fallback = null) {
  const row = await get("meta", key);
  return row ? row.value : fallback;
}

export const setMeta = (key, value) => put("meta", { key, value });
