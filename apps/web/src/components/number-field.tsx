"use client";

import { Field, TextInput } from "@diffusion-studio/ui";
import type { ReactNode } from "react";

export interface NumberFieldProps {
  id: string;
  label: string;
  value: number;
  onChange: (v: number) => void;
  hint?: ReactNode;
  error?: string;
  step?: number;
}

/**
 * A number input that lets any value through to validation, so an out-of-range value gets the API's own message
 * rather than being silently clamped by the browser.
 */
export function NumberField({ id, label, value, onChange, hint, error, step = 1 }: NumberFieldProps) {
  return (
    <Field label={label} htmlFor={id} hint={hint} error={error}>
      <TextInput
        id={id}
        type="number"
        step={step}
        value={Number.isNaN(value) ? "" : value}
        aria-invalid={Boolean(error)}
        onChange={(e) => onChange(e.target.value === "" ? Number.NaN : Number(e.target.value))}
      />
    </Field>
  );
}
