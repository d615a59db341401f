// Copy buttons: a button with data-copy="ID" copies the value of the field with that id.
// The field stays readable and selectable without scripts; the button appears only here.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector("[data-copy-status]");
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      if (status) status.textContent = button.dataset.copied;
    } catch {
      // Without permission to write the clipboard, select the text so it can be copied by hand.
      source.select();
    }
  });
}
