"use client";

import { Field, Select } from "@diffusion-studio/ui";
import type { FieldErrors } from "@/hooks/use-recipe-form";
import type { ModelInfo } from "@/shared/models";
import { LIMITS, type Recipe } from "@/shared/recipes";
import { NumberField } from "./number-field";

export interface SamplingValues {
  /** A sampler of the model's ("" until a model is chosen). */
  sampler: string;
  steps: number;
  guidance: number;
  seed: number;
}

/** The model's defaults (its measured few-step sampler, steps and γ), keeping the seed. */
export function withModelDefaults(m: ModelInfo, s: SamplingValues): SamplingValues {
  return { ...s, sampler: m.defaults.sampler, steps: m.defaults.steps, guidance: m.defaults.guidance };
}

/**
 * The course's sampler and steps (γ still the model's default): for edits, whose noise levels (SDEdit's i_start)
 * count steps of the course's walk; a few-step default would leave most of them out of range.
 */
export function withCourseDefaults(m: ModelInfo, s: SamplingValues): SamplingValues {
  return { ...s, sampler: m.samplers[0]?.name ?? "", steps: m.courseSteps, guidance: m.defaults.guidance };
}

/** A recalled recipe's knobs; one without a sampler ran the model's first (the course's). */
export function recalledSampling(
  r: Extract<Recipe, { steps: number }>,
  model: Pick<ModelInfo, "samplers"> | undefined,
): SamplingValues {
  return { sampler: r.sampler ?? model?.samplers[0]?.name ?? "", steps: r.steps, guidance: r.guidance, seed: r.seed };
}

/** The fields a recipe takes from the form (no sampler until the model's list has loaded: the server's default). */
export function samplingRecipe(s: SamplingValues) {
  return { ...s, sampler: (s.sampler || undefined) as Extract<Recipe, { steps: number }>["sampler"] };
}

/** Sampler, steps, CFG γ and seed: the knobs every sampling procedure shares. */
export function SamplingFields({
  value,
  onChange,
  errors,
  model,
  showSteps = true,
  showGuidance = true,
  omit = [],
}: {
  value: SamplingValues;
  onChange: (v: SamplingValues) => void;
  errors: FieldErrors;
  /** The chosen model: its samplers fill the sampler select (shown with the steps). */
  model?: ModelInfo;
  showSteps?: boolean;
  /** Off where the procedure takes no γ (the field would do nothing). */
  showGuidance?: boolean;
  /** Fields another control sets instead (a grid's swept axes). */
  omit?: readonly (keyof SamplingValues)[];
}) {
  const shown = (field: keyof SamplingValues) => !omit.includes(field);
  const samplers = showSteps && shown("sampler") ? (model?.samplers ?? []) : [];
  return (
    <div className="flex flex-col gap-3">
      {samplers.length > 0 && (
        <SamplerSelect
          model={model!}
          value={value.sampler}
          onChange={(sampler) => onChange({ ...value, sampler })}
          error={errors.sampler}
        />
      )}
      <div className="grid grid-cols-3 gap-3">
        {showSteps && shown("steps") && (
          <NumberField
            id="steps"
            label="Steps"
            value={value.steps}
            onChange={(steps) => onChange({ ...value, steps })}
            hint={`${LIMITS.steps.min}–${LIMITS.steps.max}`}
            error={errors.steps}
          />
        )}
        {showGuidance && shown("guidance") && (
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
        {shown("seed") && (
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
        )}
      </div>
    </div>
  );
}

/** The model's samplers, its default marked, with what the chosen one does. */
export function SamplerSelect({
  model,
  value,
  onChange,
  error,
  id = "sampler",
}: {
  model: ModelInfo;
  value: string;
  onChange: (sampler: string) => void;
  error?: string;
  id?: string;
}) {
  const chosen = model.samplers.find((s) => s.name === value);
  return (
    <Field label="Sampler" htmlFor={id} hint={chosen?.description} error={error}>
      <Select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {value && !chosen && <option value={value}>{value} (not offered by this model)</option>}
        {model.samplers.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name}
            {s.name === model.defaults.sampler ? ` (default, ${model.defaults.steps} steps)` : ""}
          </option>
        ))}
      </Select>
    </Field>
  );
}
