import { SingleBar } from "cli-progress";
import type { RunEvent } from "../run/events.js";

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/**
 * Renders run events on a terminal: a progress bar (epoch, step, loss, img/s, ETA) on a TTY, plain lines otherwise
 * (a detached run's log file).
 */
export function createProgressReporter(options: { epochs: number; tty: boolean; write: (line: string) => void }) {
  const bar = options.tty
    ? new SingleBar({
        format: "epoch {epoch}/{epochs} |{bar}| step {value}/{total} | loss {loss} | {ips} img/s | ETA {etaText}",
        barsize: 28,
        hideCursor: true,
        clearOnComplete: false,
      })
    : null;
  let running = false;
  let lastLine = 0;
  let total = 0;
  let current = 0;
  let payload = { epoch: 1, epochs: options.epochs, loss: "-", ips: "-", etaText: "--:--" };
  /** Prints a line above the bar. */
  const log = (line: string) => {
    if (bar && running) bar.stop();
    options.write(line);
    if (bar && running) bar.start(total, current, payload);
  };
  const stop = () => {
    if (bar && running) bar.stop();
    running = false;
  };

  return (event: RunEvent) => {
    switch (event.type) {
      case "started":
        total = event.totalSteps;
        current = event.resumedAtStep;
        options.write(
          `${event.experiment}: ${event.totalSteps} steps over ${options.epochs} epochs` +
            (event.resumedAtStep ? `, resuming at step ${event.resumedAtStep}` : ""),
        );
        if (bar) {
          bar.start(total, current, payload);
          running = true;
        }
        break;
      case "step": {
        current = event.step;
        payload = {
          epoch: event.epoch + 1,
          epochs: options.epochs,
          loss: event.loss.toFixed(4),
          ips: event.imagesPerSecond.toFixed(0),
          etaText: formatDuration(event.etaSeconds),
        };
        if (bar) bar.update(current, payload);
        else if (Date.now() - lastLine > 10_000 || event.step === event.totalSteps) {
          lastLine = Date.now();
          options.write(
            `epoch ${payload.epoch}/${payload.epochs} step ${event.step}/${event.totalSteps} loss ${payload.loss} ` +
              `${payload.ips} img/s ETA ${payload.etaText}`,
          );
        }
        break;
      }
      case "epoch":
        log(
          `epoch ${event.epoch} done: mean loss ${event.meanLoss.toFixed(4)}${event.grid ? `, grid ${event.grid}` : ""}`,
        );
        break;
      case "evaluation":
        log(`evaluation: ${JSON.stringify(event.metrics)}`);
        break;
      case "done":
        stop();
        options.write(
          `done: ${event.step} steps, final loss ${event.finalLoss.toFixed(4)}, ${formatDuration(event.wallTime)} of training`,
        );
        break;
      case "cancelled":
        stop();
        options.write(`stopped at step ${event.step}; checkpoint ${event.checkpoint ?? "(none)"}`);
        break;
      case "failed":
        stop();
        break;
      case "checkpoint":
        break;
    }
  };
}
