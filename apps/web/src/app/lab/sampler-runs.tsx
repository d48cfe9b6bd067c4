"use client";

import { Field, TextInput } from "@diffusion-studio/ui";
import type { ModelInfo } from "@/shared/models";
import { LIMITS } from "@/shared/recipes";

/** One row of the sampler comparison: a sampler of the model, whether it runs, and its model evaluations. */
export interface SamplerRun {
  readonly sampler: string;
  readonly steps: number;
  readonly on: boolean;
}

/**
 * Every sampler of the model: the course's at the course's steps (the reference), the others at the model's
 * default steps, so the row shows what the few-step default buys.
 */
export function samplerRunsFor(m: ModelInfo): SamplerRun[] {
  return m.samplers.map((s, k) => ({
    sampler: s.name,
    steps: k === 0 && s.name !== m.defaults.sampler ? m.courseSteps : m.defaults.steps,
    on: true,
  }));
}

/** A checkbox and an NFE field per sampler; errors name the run's field (`runs`, `steps`, `sampler`). */
export function SamplerRuns({
  model,
  value,
  onChange,
  error,
}: {
  model?: ModelInfo;
  value: readonly SamplerRun[];
  onChange: (runs: SamplerRun[]) => void;
  error?: string;
}) {
  const set = (k: number, patch: Partial<SamplerRun>) =>
    onChange(value.map((r, j) => (j === k ? { ...r, ...patch } : r)));
  return (
    <Field
      label="Samplers and model evaluations (NFE)"
      hint={`Each on the same seed; steps ${LIMITS.steps.min}–${LIMITS.steps.max}`}
      error={error}
    >
      <ul className="flex flex-col gap-2">
        {value.map((run, k) => {
          const info = model?.samplers.find((s) => s.name === run.sampler);
          return (
            <li key={run.sampler} className="flex items-center gap-3">
              <label className="flex min-w-0 flex-1 items-center gap-2 text-sm" title={info?.description}>
                <input
                  type="checkbox"
                  checked={run.on}
                  onChange={(e) => set(k, { on: e.target.checked })}
                  aria-label={`run ${run.sampler}`}
                />
                <span className="truncate">
                  {run.sampler}
                  {run.sampler === model?.defaults.sampler && <span className="text-neutral-500"> (default)</span>}
                </span>
              </label>
              <div className="w-20 shrink-0">
                <TextInput
                  type="number"
                  aria-label={`${run.sampler} steps`}
                  value={Number.isNaN(run.steps) ? "" : run.steps}
                  onChange={(e) => set(k, { steps: e.target.value === "" ? Number.NaN : Number(e.target.value) })}
                />
              </div>
            </li>
          );
        })}
      </ul>
    </Field>
  );
}
