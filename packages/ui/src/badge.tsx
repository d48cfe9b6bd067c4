import type { ReactNode } from "react";
import { cx } from "./cx.js";

export type BadgeTone = "neutral" | "running" | "success" | "error" | "warning";

const TONES: Record<BadgeTone, string> = {
  neutral: "bg-neutral-800 text-neutral-300 ring-neutral-700",
  running: "bg-indigo-500/15 text-indigo-200 ring-indigo-500/40",
  success: "bg-emerald-500/15 text-emerald-200 ring-emerald-500/40",
  error: "bg-rose-500/15 text-rose-200 ring-rose-500/40",
  warning: "bg-amber-500/15 text-amber-200 ring-amber-500/40",
};

/** A small pill for statuses (queued, running, done, error) and facts (28×28, flow-class). */
export function Badge({ tone = "neutral", children }: { tone?: BadgeTone; children: ReactNode }) {
  return (
    <span
      className={cx(
        "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        TONES[tone],
      )}
    >
      {children}
    </span>
  );
}
