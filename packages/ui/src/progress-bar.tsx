/** Progress of a running job; `value` in [0, 1]. */
export function ProgressBar({ value, label }: { value: number; label?: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="flex items-center gap-3">
      <div
        className="h-1.5 flex-1 overflow-hidden rounded-full bg-neutral-800"
        role="progressbar"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-label={label ?? "progress"}
      >
        <div className="h-full rounded-full bg-indigo-400 transition-[width]" style={{ width: `${pct}%` }} />
      </div>
      {label && <span className="text-xs tabular-nums text-neutral-400">{label}</span>}
    </div>
  );
}
