// A "copy" button beside a read-only field (progressive enhancement): without a script the
// person selects the text and copies it by hand.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  const done = button.parentElement.querySelector("[data-copied]");
  if (!source) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    source.select();
    try {
      await navigator.clipboard.writeText(source.value);
    } catch {
      document.execCommand("copy"); // older browsers, or a page not served over https
    }
    if (done) done.hidden = false;
  });
}
