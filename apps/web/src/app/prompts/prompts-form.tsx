"use client";

import { Button, Field, FormStack, Panel, TextArea } from "@diffusion-studio/ui";
import { useCallback, useState } from "react";
import { RunInBrowserToggle } from "@/browser/browser-run-progress";
import { useRunHere } from "@/browser/use-browser-run";
import { FormErrors } from "@/components/form-errors";
import { ModelPicker, useModelChoice } from "@/components/model-picker";
import { NumberField } from "@/components/number-field";
import { fitPrompt, NoPromptNote, promptHint, takesPrompt } from "@/components/prompt-suggestions";
import { ResultsColumn } from "@/components/results-column";
import {
  recalledSampling,
  SamplingFields,
  type SamplingValues,
  samplingRecipe,
  withModelDefaults,
} from "@/components/sampling-fields";
import { useRecall } from "@/hooks/recipe-inbox";
import { useRecipeForm } from "@/hooks/use-recipe-form";
import type { ModelInfo } from "@/shared/models";
import { generateRecipe, LIMITS } from "@/shared/recipes";
import { UpscaleFields } from "./upscale-fields";

const INLINE = ["modelId", "prompts", "prompt", "sampler", "steps", "guidance", "seed", "batch", "upscale"];

export function PromptsForm() {
  const [prompts, setPrompts] = useState("a handwritten 7\na handwritten 3");
  const [sampling, setSampling] = useState<SamplingValues>({ sampler: "", steps: 50, guidance: 5, seed: 0 });
  const [batch, setBatch] = useState(4);
  const [upscale, setUpscale] = useState({ on: false, steps: 20, guidance: 4 });
  const form = useRecipeForm(generateRecipe);

  const applyDefaults = useCallback((m: ModelInfo) => {
    setSampling((s) => withModelDefaults(m, s));
    // Keep the prompts this model understands; swap the others for its examples (digits ↔ stored IF prompts).
    setPrompts((text) =>
      text
        .split("\n")
        .filter((p) => p.trim() !== "")
        .map((p, i) => fitPrompt(p, m, i))
        .join("\n"),
    );
    if (m.upscale) setUpscale((u) => ({ ...u, steps: m.upscale!.steps, guidance: m.upscale!.guidance }));
  }, []);
  const { modelId, setModelId, model } = useModelChoice("generate", applyDefaults);
  // A dropped PNG's recipe or a history item's "Edit recipe": fills the form, runs nothing.
  useRecall(["generate"], model, (r) => {
    if (r.procedure !== "generate") return;
    setModelId(r.modelId);
    setPrompts(r.prompts.join("\n"));
    setSampling(recalledSampling(r, model));
    setBatch(r.batch);
    setUpscale((u) => (r.upscale ? { on: true, ...r.upscale } : { ...u, on: false }));
  });
  const here = useRunHere(model);
  const storedOnly = model?.conditioning.type === "text" && !model.conditioning.freeText;
  const prompted = takesPrompt(model);

  const submit = () =>
    form.submit(
      {
        procedure: "generate",
        modelId,
        // An unconditional model takes one unprompted group of images.
        prompts: prompted ? prompts.split("\n").filter((p) => p.trim() !== "") : [""],
        ...samplingRecipe(sampling),
        guidance: prompted ? sampling.guidance : 0,
        batch,
        upscale: upscale.on && model?.upscale ? { steps: upscale.steps, guidance: upscale.guidance } : undefined,
      },
      here.runHere,
    );

  return (
    <div className="grid grid-cols-1 gap-8 lg:grid-cols-[380px_1fr]">
      <Panel title="Recipe" className="self-start">
        <FormStack onSubmit={submit}>
          <ModelPicker procedure="generate" value={modelId} onChange={setModelId} error={form.errors.modelId} />
          {!prompted && model && <NoPromptNote model={model} />}
          {prompted && (
            <Field
              label="Prompts"
              htmlFor="prompts"
              hint={`One per line, up to 8. ${promptHint(model)}`}
              error={form.errors.prompts ?? form.errors.prompt}
            >
              <TextArea id="prompts" rows={3} value={prompts} onChange={(e) => setPrompts(e.target.value)} />
            </Field>
          )}
          {prompted && model && model.promptExamples.length > 0 && (
            <div className="flex flex-col gap-1.5">
              <p className="text-xs text-neutral-500">
                {storedOnly ? "Stored prompts (click to add):" : "Examples (click to add):"}
              </p>
              <div className="flex flex-wrap gap-1.5" data-testid="prompt-picker">
                {model.promptExamples.map((p) => (
                  <button
                    key={p}
                    type="button"
                    className="rounded-full bg-neutral-800 px-2.5 py-1 text-xs text-neutral-300 hover:bg-neutral-700"
                    onClick={() => setPrompts((cur) => (cur ? `${cur}\n${p}` : p))}
                  >
                    {p}
                  </button>
                ))}
              </div>
              <button
                type="button"
                className="self-start text-xs text-indigo-300 hover:underline"
                onClick={() => setPrompts("")}
              >
                clear prompts
              </button>
            </div>
          )}
          <SamplingFields
            model={model}
            value={sampling}
            onChange={setSampling}
            errors={form.errors}
            showGuidance={prompted}
          />
          <NumberField
            id="batch"
            label={prompted ? "Images per prompt" : "Images"}
            value={batch}
            onChange={setBatch}
            hint={`${LIMITS.batch.min}–${LIMITS.batch.max}`}
            error={form.errors.batch}
          />
          {model?.upscale && (
            <UpscaleFields
              size={model.upscale.size}
              value={upscale}
              onChange={setUpscale}
              error={form.errors.upscale}
            />
          )}
          <RunInBrowserToggle here={here} />
          <FormErrors errors={form.errors} inline={INLINE} />
          <Button type="submit" disabled={form.pending || here.active}>
            {form.pending ? "Submitting…" : "Generate"}
          </Button>
        </FormStack>
      </Panel>
      {/* Lab runs (CFG on/off included) stay in the Lab's history. */}
      <ResultsColumn here={here} jobId={form.jobId} procedures={["generate"]} runningTitle="Generating" />
    </div>
  );
}
