import type { BadgeTone } from "@diffusion-studio/ui";
import { queueWording } from "@/shared/progress-wording";

export function stateTone(state: string): BadgeTone {
  switch (state) {
    case "done":
      return "success";
    case "failed":
      return "error";
    case "cancelled":
    case "cancelling":
      return "warning";
    case "running":
    case "created":
      return "running";
    default:
      return "neutral";
  }
}

/** Runs that have not ended: a worker runs them, or they wait for one. Cancel applies to these. */
export function isActive(state: string): boolean {
  return state === "queued" || state === "created" || state === "running";
}

/** What a run is doing, in words, beside its state badge ("2nd in queue", "on gpu-box-1"). */
export function stateDetail(run: { state: string; position: number | null; worker: string | null }): string | null {
  switch (run.state) {
    case "queued":
      return run.position ? queueWording(run.position) : "waiting for a worker";
    case "created":
      return run.worker ? `starting on ${run.worker}` : "starting";
    case "running":
      return run.worker ? `on ${run.worker}` : null;
    case "cancelling":
      return "stopping: saving a checkpoint…";
    default:
      return null;
  }
}

/** 1147 → "1,147 MB", 5513 → "5.4 GB". */
export function formatMb(mb: number): string {
  return mb >= 2048 ? `${(mb / 1024).toFixed(1)} GB` : `${mb.toLocaleString("en-US")} MB`;
}

/** A run's estimated length, rounded as an estimate should be: "≈ 40 s", "≈ 26 min", "≈ 1 h 28 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `≈ ${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `≈ ${minutes} min`;
  return `≈ ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
