import type { RouterOutputs } from "@/trpc/react";
import { formatDuration, formatMb } from "./run-state";

type Estimate = Pick<RouterOutputs["training"]["estimate"], "memoryMb" | "maxMemoryMb" | "time" | "problem"> & {
  steps?: number;
};

/** A launch's size before it starts: steps, estimated time (and what it is measured from) and memory. */
export function RunEstimate({ estimate: e }: { estimate: Estimate }) {
  const over = e.problem !== null || e.memoryMb > e.maxMemoryMb;
  return (
    <div className="flex flex-col gap-1 text-sm text-neutral-400" data-testid="run-estimate">
      <p>
        {e.steps !== undefined && (
          <>
            <span className="tabular-nums text-neutral-200" data-testid="run-steps">
              {e.steps.toLocaleString("en-US")}
            </span>{" "}
            steps ·{" "}
          </>
        )}
        {e.time && (
          <>
            <span className="tabular-nums text-neutral-200" data-testid="run-time">
              {formatDuration(e.time.seconds)}
            </span>{" "}
            ·{" "}
          </>
        )}
        <span className={over ? "text-amber-300" : undefined}>
          memory <span className="tabular-nums text-neutral-200">{formatMb(e.memoryMb)}</span> of{" "}
          <span className="tabular-nums">{formatMb(e.maxMemoryMb)}</span> allowed per run
          {over && <> — too large: lower batch or hidden width</>}
        </span>
      </p>
      {e.time && (
        <p className="text-xs text-neutral-500" data-testid="run-time-basis">
          Time at {Math.round(e.time.imagesPerSecond)} img/s, measured training {e.time.basis} on this project's 2-core
          CPU machine; other hardware and load change it.
        </p>
      )}
      {e.steps !== undefined && !e.time && (
        <p className="text-xs text-neutral-500">No committed model was trained at this width, so no time estimate.</p>
      )}
    </div>
  );
}
