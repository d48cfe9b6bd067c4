"use client";

import type { FieldErrors } from "@/hooks/use-recipe-form";
import { LIMITS } from "@/shared/recipes";
import { NumberField } from "./number-field";

export interface SamplingValues {
  steps: number;
  guidance: number;
  seed: number;
}

/** Steps, CFG γ and seed: the knobs every sampling procedure shares. */
export function SamplingFields({
  value,
  onChange,
  errors,
  showSteps = true,
  showGuidance = true,
}: {
  value: SamplingValues;
  onChange: (v: SamplingValues) => void;
  errors: FieldErrors;
  showSteps?: boolean;
  /** Off where the procedure takes no γ (the field would do nothing). */
  showGuidance?: boolean;
}) {
  return (
    <div className="grid grid-cols-3 gap-3">
      {showSteps && (
        <NumberField
          id="steps"
          label="Steps"
          value={value.steps}
          onChange={(steps) => onChange({ ...value, steps })}
          hint={`${LIMITS.steps.min}–${LIMITS.steps.max}`}
          error={errors.steps}
        />
      )}
      {showGuidance && (
        <NumberField
          id="guidance"
          label="CFG γ"
          step={0.5}
          value={value.guidance}
          onChange={(guidance) => onChange({ ...value, guidance })}
          hint={`${LIMITS.guidance.min}–${LIMITS.guidance.max}`}
          error={errors.guidance}
        />
      )}
      <NumberField
        id="seed"
        label="Seed"
        value={value.seed}
        onChange={(seed) => onChange({ ...value, seed })}
        error={errors.seed}
        hint={
          <button
            type="button"
            className="text-indigo-300 hover:underline"
            onClick={() => onChange({ ...value, seed: Math.floor(Math.random() * 1_000_000) })}
          >
            random
          </button>
        }
      />
    </div>
  );
}
