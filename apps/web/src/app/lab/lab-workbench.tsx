"use client";

import { Button, Field, FormStack, Panel, TextInput } from "@diffusion-studio/ui";
import { useCallback, useState } from "react";
import { RunInBrowserToggle } from "@/browser/browser-run-progress";
import { useRunHere } from "@/browser/use-browser-run";
import { FormErrors } from "@/components/form-errors";
import { ImageSource } from "@/components/image-source";
import { ModelPicker, useModelChoice } from "@/components/model-picker";
import { NumberField } from "@/components/number-field";
import { fitPrompt, NoPromptNote, PromptSuggestions, promptHint, takesPrompt } from "@/components/prompt-suggestions";
import { ResultsColumn } from "@/components/results-column";
import {
  recalledSampling,
  SamplingFields,
  type SamplingValues,
  samplingRecipe,
  withModelDefaults,
} from "@/components/sampling-fields";
import { Tabs } from "@/components/tabs";
import { useRecall } from "@/hooks/recipe-inbox";
import { useRecipeForm } from "@/hooks/use-recipe-form";
import type { Uploaded } from "@/hooks/use-upload";
import type { ModelInfo } from "@/shared/models";
import {
  cfgCompareRecipe,
  denoiseCompareRecipe,
  forwardRecipe,
  LIMITS,
  type Recipe,
  samplerCompareRecipe,
} from "@/shared/recipes";
import { type SamplerRun, SamplerRuns, samplerRunsFor } from "./sampler-runs";

type Mode = "forward" | "denoise-compare" | "cfg-compare" | "sampler-compare";
const TABS = [
  { id: "forward", label: "Forward process" },
  { id: "denoise-compare", label: "Blur vs one-step vs iterative" },
  { id: "cfg-compare", label: "CFG on / off" },
  { id: "sampler-compare", label: "Samplers" },
] as const;
const PROCEDURES: Mode[] = ["forward", "denoise-compare", "cfg-compare", "sampler-compare"];
const INLINE = [
  "modelId",
  "ts",
  "iStart",
  "prompt",
  "sampler",
  "steps",
  "runs",
  "guidance",
  "seed",
  "batch",
  "imageId",
];
type SamplerCompare = Extract<Recipe, { procedure: "sampler-compare" }>;

export function LabWorkbench() {
  const [mode, setMode] = useState<Mode>("forward");
  const [sampling, setSampling] = useState<SamplingValues>({ sampler: "", steps: 30, guidance: 5, seed: 0 });
  const [prompt, setPrompt] = useState("a handwritten 4");
  const [runs, setRuns] = useState<SamplerRun[]>([]);
  const applyDefaults = useCallback((m: ModelInfo) => {
    setSampling((s) => withModelDefaults(m, s));
    setPrompt((p) => fitPrompt(p, m));
    setRuns(samplerRunsFor(m));
  }, []);
  const { modelId, setModelId, model } = useModelChoice(mode, applyDefaults);
  const here = useRunHere(model);
  const [image, setImage] = useState<Uploaded>();
  const [ts, setTs] = useState("250, 500, 750");
  const [iStart, setIStart] = useState(10);
  const [batch, setBatch] = useState(4);
  useRecall(PROCEDURES, model, (r) => {
    setModelId(r.modelId);
    if (r.procedure === "forward") {
      setMode("forward");
      setTs(r.ts.join(", "));
      setSampling((s) => ({ ...s, seed: r.seed }));
    } else if (r.procedure === "denoise-compare") {
      setMode("denoise-compare");
      setIStart(r.iStart);
      setPrompt(r.prompt);
      setSampling((s) => ({ ...s, seed: r.seed }));
    } else if (r.procedure === "cfg-compare") {
      setMode("cfg-compare");
      setPrompt(r.prompt);
      setBatch(r.batch);
      setSampling(recalledSampling(r, model));
    } else if (r.procedure === "sampler-compare") {
      setMode("sampler-compare");
      setPrompt(r.prompt);
      setRuns(r.runs.map((run) => ({ ...run, on: true })));
      setSampling((s) => ({ ...s, guidance: r.guidance, seed: r.seed }));
    }
  });
  const forward = useRecipeForm(forwardRecipe);
  const denoise = useRecipeForm(denoiseCompareRecipe);
  const cfg = useRecipeForm(cfgCompareRecipe);
  const samplers = useRecipeForm(samplerCompareRecipe);
  const form = { forward, "denoise-compare": denoise, "cfg-compare": cfg, "sampler-compare": samplers }[mode];

  // An unconditional model takes no prompt ("").
  const prompted = takesPrompt(model);

  const submit = () => {
    const imageId = image?.id ?? "";
    if (mode === "forward") {
      const list = ts
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number);
      forward.submit({ procedure: "forward", modelId, imageId, ts: list, seed: sampling.seed }, here.runHere);
    } else if (mode === "denoise-compare") {
      denoise.submit(
        { procedure: "denoise-compare", modelId, imageId, iStart, prompt: prompted ? prompt : "", seed: sampling.seed },
        here.runHere,
      );
    } else if (mode === "cfg-compare") {
      cfg.submit({ procedure: "cfg-compare", modelId, prompt, ...samplingRecipe(sampling), batch }, here.runHere);
    } else {
      const chosen = runs.filter((r) => r.on).map(({ sampler, steps }) => ({ sampler, steps }));
      const { guidance, seed } = sampling;
      samplers.submit(
        {
          procedure: "sampler-compare",
          modelId,
          prompt: prompted ? prompt : "",
          runs: chosen as SamplerCompare["runs"],
          guidance: prompted ? guidance : 0,
          seed,
        },
        here.runHere,
      );
    }
  };

  return (
    <>
      <Tabs tabs={TABS} value={mode} onChange={setMode} />
      <div className="grid grid-cols-1 gap-8 lg:grid-cols-[400px_1fr]">
        <Panel title="Experiment" className="self-start">
          <FormStack onSubmit={submit}>
            <ModelPicker procedure={mode} value={modelId} onChange={setModelId} error={form.errors.modelId} />
            {(mode === "forward" || mode === "denoise-compare") && (
              <Field label="Clean image" error={form.errors.imageId}>
                <ImageSource width={model?.shape[2] ?? 28} height={model?.shape[1] ?? 28} onChange={setImage} />
              </Field>
            )}
            {mode === "forward" && (
              <Field label="Timesteps t" htmlFor="ts" hint="Comma-separated, 0–999" error={form.errors.ts}>
                <TextInput id="ts" value={ts} onChange={(e) => setTs(e.target.value)} />
              </Field>
            )}
            {mode === "denoise-compare" && (
              <NumberField
                id="iStart"
                label="Start level i_start"
                value={iStart}
                onChange={setIStart}
                hint={`${LIMITS.iStart.min}–${LIMITS.iStart.max}`}
                error={form.errors.iStart}
              />
            )}
            {mode !== "forward" && !prompted && model && <NoPromptNote model={model} />}
            {mode !== "forward" && prompted && (
              <Field label="Prompt" htmlFor="prompt" hint={promptHint(model)} error={form.errors.prompt}>
                <TextInput
                  id="prompt"
                  list="prompt-options"
                  value={prompt}
                  onChange={(e) => setPrompt(e.target.value)}
                />
                <PromptSuggestions id="prompt-options" model={model} />
              </Field>
            )}
            <SamplingFields
              model={model}
              value={sampling}
              onChange={setSampling}
              errors={form.errors}
              showSteps={mode === "cfg-compare"}
              showGuidance={(mode === "cfg-compare" || mode === "sampler-compare") && prompted}
            />
            {mode === "sampler-compare" && (
              <SamplerRuns
                model={model}
                value={runs}
                onChange={setRuns}
                error={form.errors.runs ?? form.errors.steps ?? form.errors.sampler}
              />
            )}
            {mode === "cfg-compare" && (
              <NumberField
                id="batch"
                label="Samples"
                value={batch}
                onChange={setBatch}
                hint="1–8"
                error={form.errors.batch}
              />
            )}
            <FormErrors errors={form.errors} inline={INLINE} />
            <RunInBrowserToggle here={here} />
            <Button type="submit" disabled={form.pending || here.active}>
              Run
            </Button>
          </FormStack>
        </Panel>
        <ResultsColumn here={here} jobId={form.jobId} procedures={PROCEDURES} />
      </div>
    </>
  );
}
