// On every page: logging out warns about records not yet sent, and forgets cached pages.
import { pending } from "./store.js";

const user = Number(document.querySelector('meta[name="terloops-user"]')?.content);
const logout = document.querySelector('form[action="/logout"]');
if (user && logout) {
  logout.addEventListener("submit", async (event) => {
    if (logout.dataset.confirmed) return;
    event.preventDefault();
    const waiting = (await pending(user)).length;
    const strings = JSON.parse(document.getElementById("page-strings").textContent);
    if (waiting && !window.confirm(strings.logout_waiting.replace("%(n)s", waiting))) return;
    navigator.serviceWorker?.controller?.postMessage({ type: "forget-pages" });
    logout.dataset.confirmed = "1";
    logout.submit();
  });
}
