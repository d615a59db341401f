// On every page: logging out warns about records not yet sent, and forgets cached pages;
// a text field with `data-maxlength` counts its characters as the server does, shown from
// 90 % of the limit on. It never cuts text (as `maxlength` would); the form refuses it.
import { say } from "./words.js";

const strings = JSON.parse(document.getElementById("page-strings")?.textContent || "{}");

// Characters as the server counts them: code points, without surrounding spaces.
export function lengthOf(text) {
  return [...text.trim()].length;
}

// {length, longest} when a field holds more than its limit, else null.
export function tooLong(field) {
  const longest = Number(field.dataset.maxlength);
  const length = lengthOf(field.value);
  return longest && length > longest ? { length, longest } : null;
}

function describedBy(field, id, on) {
  const ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && x !== id);
  if (on) ids.push(id);
  if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
  else field.removeAttribute("aria-describedby");
}

// A live region that speaks only when a counter changes state (near, full, over the
// limit), never at every keystroke.
let live = null;

function speak(text) {
  if (!live) {
    live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    document.body.append(live);
  }
  live.textContent = text;
}

function wireCounter(field) {
  const longest = Number(field.dataset.maxlength);
  const counter = document.createElement("p");
  counter.className = "char-count";
  counter.id = `${field.id}-count`;
  counter.hidden = true;
  field.after(counter);
  let state = "";
  const update = () => {
    const length = lengthOf(field.value);
    const next = length > longest ? "over" : length >= longest ? "full"
      : length >= 0.9 * longest ? "near" : "";
    counter.textContent = next === "over"
      ? say(strings, "chars_over", { n: length - longest, longest })
      : say(strings, "chars", { length, longest });
    counter.hidden = !next;
    counter.classList.toggle("over", next === "over");
    describedBy(field, counter.id, Boolean(next));
    if (next !== state && next) speak(counter.textContent);
    state = next;
  };
  field.addEventListener("input", update);
  update();
}

for (const field of document.querySelectorAll("[data-maxlength][id]")) wireCounter(field);

const user = Number(document.querySelector('meta[name="terloops-user"]')?.content);
const logout = document.querySelector('form[action="/logout"]');
if (user && logout) {
  logout.addEventListener("submit", async (event) => {
    if (logout.dataset.confirmed) return;
    event.preventDefault();
    // The record store is loaded only here: most pages never need it.
    const { pending } = await import("./store.js");
    const waiting = (await pending(user)).length;
    if (waiting && !window.confirm(say(strings, "logout_waiting", { n: waiting }))) return;
    navigator.serviceWorker?.controller?.postMessage({ type: "forget-pages" });
    logout.dataset.confirmed = "1";
    logout.submit();
  });
}
