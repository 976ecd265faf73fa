// Polling without overlap: the next run of a task is scheduled only when the last one finished,
// so a slow answer never stacks two fetches of the same thing. Paused while the tab is hidden
// (no timer is set then), resumed at once when it shows again.

/**
 * poller(task, delay) → { start, stop, now }. `task` is awaited; `delay()` is asked after each
 * run (the campaigns' pace depends on what they just answered). `now()` runs the task soon: at
 * once if idle, right after the current run otherwise.
 */
export function poller(task, delay) {
  let timer = 0;
  let running = false;
  let again = false;
  let stopped = true;

  async function run() {
    clearTimeout(timer);
    timer = 0;
    if (stopped || document.hidden) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } catch {
      // a view's bug must not stop the polling (the views report their own problems on the page)
    }
    running = false;
    if (stopped) return;
    if (again) {
      again = false;
      run();
    } else if (!document.hidden) timer = setTimeout(run, delay());
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !running && !timer) run();
  });

  return {
    start() {
      stopped = false;
      run();
    },
    stop() {
      stopped = true;
      again = false;
      clearTimeout(timer);
      timer = 0;
    },
    now: run,
  };
}
