// Follow exports and imports that run in the background: update their progress bars, and
// reload the page when one finishes, so that its download link, report (or the reason it
// failed) appears.
const running = [...document.querySelectorAll('[data-running="true"]')];

async function poll() {
  for (const card of running) {
    try {
      const response = await fetch(card.dataset.job, { credentials: "same-origin" });
      if (!response.ok) continue;
      const job = await response.json();
      if (job.status === "done" || job.status === "failed") {
        location.reload();
        return;
      }
      const bar = card.querySelector("progress");
      bar.value = job.progress;
      bar.textContent = `${job.progress}%`;
    } catch {
      // Offline for a moment: try again at the next tick.
    }
  }
  setTimeout(poll, 1000);
}

if (running.length) setTimeout(poll, 500);
