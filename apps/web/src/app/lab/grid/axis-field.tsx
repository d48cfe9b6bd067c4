"use client";

import { Field, Select, TextInput } from "@diffusion-studio/ui";
import { AXIS_PARAMS, type AxisParamId } from "@/shared/grids";

/** What an axis of the form holds: the parameter it sweeps ("" = no second axis) and the values as typed. */
export interface AxisDraft {
  param: AxisParamId | "";
  values: string;
}

/** One axis: which parameter, and its comma-separated values. */
export function AxisField({
  name,
  params,
  value,
  onChange,
  errors,
  choices,
}: {
  name: "x" | "y";
  /** The parameters this recipe can sweep. */
  params: readonly AxisParamId[];
  value: AxisDraft;
  onChange: (v: AxisDraft) => void;
  errors: Record<string, string>;
  /** What a text parameter may be (model ids, the model's samplers), shown as the hint. */
  choices: Partial<Record<AxisParamId, readonly string[]>>;
}) {
  const label = name === "x" ? "X axis (columns)" : "Y axis (rows)";
  const kind = value.param ? AXIS_PARAMS[value.param].kind : undefined;
  const hint =
    kind === "text" && value.param
      ? `Comma-separated, from: ${(choices[value.param] ?? []).join(", ")}`
      : kind
        ? "Comma-separated, e.g. 1, 3, 5"
        : "";
  return (
    <fieldset className="flex flex-col gap-2" data-testid={`axis-${name}`}>
      <Field label={label} htmlFor={`${name}-param`} error={errors[`${name}.param`]}>
        <Select
          id={`${name}-param`}
          value={value.param}
          onChange={(e) => onChange({ ...value, param: e.target.value as AxisParamId | "" })}
        >
          {name === "y" && <option value="">none (one row)</option>}
          {params.map((p) => (
            <option key={p} value={p}>
              {AXIS_PARAMS[p].label}
            </option>
          ))}
        </Select>
      </Field>
      {value.param && (
        <Field
          label={`${name.toUpperCase()} values`}
          htmlFor={`${name}-values`}
          hint={hint}
          error={errors[`${name}.values`]}
        >
          <TextInput
            id={`${name}-values`}
            value={value.values}
            aria-invalid={Boolean(errors[`${name}.values`])}
            onChange={(e) => onChange({ ...value, values: e.target.value })}
          />
        </Field>
      )}
    </fieldset>
  );
}
