"use client";

import { NumberField } from "@/components/number-field";
import { LIMITS } from "@/shared/recipes";

export interface UpscaleValue {
  on: boolean;
  steps: number;
  guidance: number;
}

/** Stage II super-resolution of every result (DeepFloyd IF): on/off, its own steps and γ. */
export function UpscaleFields({
  size,
  value,
  onChange,
  error,
}: {
  size: number;
  value: UpscaleValue;
  onChange: (v: UpscaleValue) => void;
  error?: string;
}) {
  return (
    <fieldset className="flex flex-col gap-3 rounded-lg border border-neutral-800 p-3">
      <label className="flex items-center gap-2 text-sm text-neutral-200">
        <input type="checkbox" checked={value.on} onChange={(e) => onChange({ ...value, on: e.target.checked })} />
        Upscale with stage II to {size}×{size}
      </label>
      {value.on && (
        <div className="grid grid-cols-2 gap-3">
          <NumberField
            id="upscale-steps"
            label="Stage II steps"
            value={value.steps}
            onChange={(steps) => onChange({ ...value, steps })}
            hint={`${LIMITS.steps.min}–${LIMITS.steps.max}; the course uses 10–20`}
          />
          <NumberField
            id="upscale-guidance"
            label="Stage II γ"
            step={0.5}
            value={value.guidance}
            onChange={(guidance) => onChange({ ...value, guidance })}
            hint={`${LIMITS.guidance.min}–${LIMITS.guidance.max}`}
          />
        </div>
      )}
      {error && (
        <p role="alert" className="text-xs text-rose-300">
          {error}
        </p>
      )}
    </fieldset>
  );
}
