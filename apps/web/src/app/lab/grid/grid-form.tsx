"use client";

import { Button, Field, FormStack, Panel, TextInput } from "@diffusion-studio/ui";
import { useMutation } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { FormErrors } from "@/components/form-errors";
import { ModelPicker, useModelChoice, useModelsFor } from "@/components/model-picker";
import { fitPrompt, NoPromptNote, promptHint, takesPrompt } from "@/components/prompt-suggestions";
import { SamplingFields, type SamplingValues, samplingRecipe, withModelDefaults } from "@/components/sampling-fields";
import { isApiError } from "@/shared/errors";
import { AXIS_PARAM_IDS, AXIS_PARAMS, expandGrid, gridInput, parseAxisValues } from "@/shared/grids";
import type { ModelInfo } from "@/shared/models";
import { useTRPC } from "@/trpc/react";
import { type AxisDraft, AxisField } from "./axis-field";

const INLINE = [
  "modelId",
  "prompts",
  "sampler",
  "steps",
  "guidance",
  "seed",
  "x.param",
  "x.values",
  "y.param",
  "y.values",
];
/** The form sweeps prompt recipes; i_start needs an SDEdit recipe (the API takes those). */
const PARAMS = AXIS_PARAM_IDS.filter((p) => (AXIS_PARAMS[p].procedures as readonly string[]).includes("generate"));

/** "x.values: …" → "x.values"; a message without a field goes under "form". */
function fieldOf(message: string): string {
  return /^([A-Za-z_][\w.]*):/.exec(message)?.[1] ?? "form";
}

/** The grid's recipe: a prompt, its sampling, and one or two axes with comma-separated values. */
export function GridForm({ onCreated }: { onCreated: (id: string) => void }) {
  const trpc = useTRPC();
  const [prompt, setPrompt] = useState("a handwritten 7");
  const [sampling, setSampling] = useState<SamplingValues>({ sampler: "", steps: 8, guidance: 5, seed: 0 });
  const [x, setX] = useState<AxisDraft>({ param: "guidance", values: "1, 3, 5" });
  const [yDraft, setY] = useState<AxisDraft>({ param: "steps", values: "4, 8, 16" });
  // Choosing y's parameter for x leaves one axis.
  const y: AxisDraft = yDraft.param === x.param ? { ...yDraft, param: "" } : yDraft;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const applyDefaults = useCallback((m: ModelInfo) => {
    setSampling((s) => withModelDefaults(m, s));
    setPrompt((p) => fitPrompt(p, m));
  }, []);
  const { modelId, setModelId, model } = useModelChoice("generate", applyDefaults);
  const { models } = useModelsFor("generate");
  const conditioned = takesPrompt(model);
  const choices = { modelId: models.map((m) => m.id), sampler: model?.samplers.map((s) => s.name) ?? [] };
  const params = conditioned ? PARAMS : PARAMS.filter((p) => p !== "guidance");
  const create = useMutation(
    trpc.grids.create.mutationOptions({
      onSuccess: ({ id }) => onCreated(id),
      onError: (err) => setErrors({ [fieldOf(err.message)]: err.message }),
    }),
  );

  const submit = () => {
    try {
      const candidate = {
        procedure: "generate" as const,
        modelId,
        // An unconditional model takes no prompt and no γ.
        prompts: [conditioned ? prompt : ""],
        ...samplingRecipe(sampling),
        guidance: conditioned ? sampling.guidance : 0,
        batch: 1,
        x: { param: x.param, values: x.param ? parseAxisValues("x", x.param, x.values) : [] },
        ...(y.param ? { y: { param: y.param, values: parseAxisValues("y", y.param, y.values) } } : {}),
      };
      const parsed = gridInput.safeParse(candidate);
      if (!parsed.success) {
        const next: Record<string, string> = {};
        for (const issue of parsed.error.issues) next[fieldOf(issue.message)] ??= issue.message;
        setErrors(next);
        return;
      }
      expandGrid(parsed.data); // the server's own checks, answered at once
      setErrors({});
      create.mutate(parsed.data);
    } catch (err) {
      if (!isApiError(err)) throw err;
      setErrors({ [fieldOf(err.message)]: err.message });
    }
  };

  const count = (d: AxisDraft) => (d.param ? d.values.split(",").filter((s) => s.trim() !== "").length : 1);
  const swept = new Set([x.param, y.param]);

  return (
    <Panel title="Grid recipe" className="self-start">
      <FormStack onSubmit={submit}>
        <ModelPicker procedure="generate" value={modelId} onChange={setModelId} error={errors.modelId} />
        {model && !conditioned ? (
          <NoPromptNote model={model} />
        ) : (
          <Field label="Prompt" htmlFor="prompt" hint={promptHint(model)} error={errors.prompts}>
            <TextInput id="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} />
          </Field>
        )}
        <SamplingFields
          model={model}
          value={sampling}
          onChange={setSampling}
          errors={errors}
          showGuidance={conditioned}
          omit={[...swept].filter((p): p is keyof SamplingValues => p in sampling)}
        />
        <AxisField name="x" params={params} value={x} onChange={setX} errors={errors} choices={choices} />
        <AxisField
          name="y"
          params={params.filter((p) => p !== x.param)}
          value={y}
          onChange={setY}
          errors={errors}
          choices={choices}
        />
        <p className="text-xs text-neutral-400" data-testid="grid-size">
          {count(x)} × {count(y)} = {count(x) * count(y)} cells (at most 64), one job each
        </p>
        <FormErrors errors={errors} inline={INLINE} />
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Submitting…" : "Run grid"}
        </Button>
      </FormStack>
    </Panel>
  );
}
