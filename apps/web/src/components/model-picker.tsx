"use client";

import { Badge, Field, Notice, Select } from "@diffusion-studio/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { ModelInfo } from "@/shared/models";
import type { Procedure } from "@/shared/recipes";
import { useTRPC } from "@/trpc/react";

/** The models that can run `procedure`; loading state and the list itself. */
export function useModelsFor(procedure: Procedure) {
  const trpc = useTRPC();
  const q = useQuery(trpc.models.list.queryOptions());
  return { loading: q.isLoading, models: (q.data ?? []).filter((m) => m.procedures.includes(procedure)) };
}

/**
 * The chosen model id (from `?model=` when the link has one) and its description; `onDefaults` runs when the
 * choice changes, to fill in the model's default steps and γ.
 */
export function useModelChoice(procedure: Procedure, onDefaults?: (m: ModelInfo) => void) {
  const params = useSearchParams();
  const [modelId, setModelId] = useState(params.get("model") ?? "");
  const { models, loading } = useModelsFor(procedure);
  const model = models.find((m) => m.id === modelId);
  const applied = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (model && applied.current !== model.id) {
      applied.current = model.id;
      onDefaults?.(model);
    }
  }, [model, onDefaults]);
  return { modelId, setModelId, model, loading };
}

export interface ModelPickerProps {
  procedure: Procedure;
  value: string;
  onChange: (id: string) => void;
  error?: string;
}

/** Chooses the model a recipe runs on, and says plainly when there is none. */
export function ModelPicker({ procedure, value, onChange, error }: ModelPickerProps) {
  const { loading, models } = useModelsFor(procedure);
  const trpc = useTRPC();
  const problems = useQuery(trpc.models.problems.queryOptions());
  const selected = models.find((m) => m.id === value);
  // Pick the first model unless the page asked for a specific one (e.g. ?model= in a shared link).
  useEffect(() => {
    if (!value && models[0]) onChange(models[0].id);
  }, [value, models, onChange]);

  if (loading) return <p className="text-sm text-neutral-500">Loading models…</p>;
  if (models.length === 0) {
    return (
      <div className="flex flex-col gap-2">
        <Notice tone="warning" title="No model available">
          No installed model can run this yet. Train one on the{" "}
          <Link href="/training" className="underline">
            Training
          </Link>{" "}
          page and promote it; it then appears here.
        </Notice>
        {problems.data?.map((p) => (
          <Notice key={p.source} tone="error" title={`${p.source} could not be loaded`}>
            {p.message}
          </Notice>
        ))}
        {error && (
          <p role="alert" className="text-xs text-rose-300">
            {error}
          </p>
        )}
      </div>
    );
  }
  return (
    <Field label="Model" htmlFor="model" error={error}>
      <Select id="model" value={value} onChange={(e) => onChange(e.target.value)}>
        {value && !selected && <option value={value}>{value} (not installed)</option>}
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
            {m.isDefault ? " (default)" : ""}
          </option>
        ))}
      </Select>
      {selected && <p className="pt-1 text-xs text-neutral-400">{selected.description}</p>}
      {selected && (
        <div className="flex flex-wrap gap-1.5 pt-1">
          {selected.isDefault && <Badge>default</Badge>}
          <Badge>
            {selected.shape.slice(1).join("×")}
            {selected.shape[0] === 3 ? " RGB" : ""}
          </Badge>
          <Badge>
            {selected.conditioning.type === "class"
              ? "class-conditioned"
              : selected.conditioning.type === "text"
                ? selected.conditioning.freeText
                  ? "free text"
                  : "stored prompts"
                : selected.conditioning.type}
          </Badge>
          {selected.upscale && <Badge>stage II → {selected.upscale.size}²</Badge>}
          <Badge>
            {selected.defaults.sampler}, {selected.defaults.steps} steps
          </Badge>
          <Badge>{selected.source}</Badge>
        </div>
      )}
    </Field>
  );
}
