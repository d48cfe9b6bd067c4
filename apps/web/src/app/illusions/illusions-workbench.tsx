"use client";

import { Button, Field, FormStack, Panel, Select, TextInput } from "@diffusion-studio/ui";
import { useCallback, useState } from "react";
import { RunInBrowserToggle } from "@/browser/browser-run-progress";
import { useRunHere } from "@/browser/use-browser-run";
import { FormErrors } from "@/components/form-errors";
import { ModelPicker, useModelChoice } from "@/components/model-picker";
import { NumberField } from "@/components/number-field";
import { fitPrompt, PromptSuggestions, promptHint } from "@/components/prompt-suggestions";
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
import type { ModelInfo } from "@/shared/models";
import { anagramRecipe, hybridRecipe, VIEWS, type View } from "@/shared/recipes";

type Mode = "anagram" | "hybrid";
const TABS = [
  { id: "anagram", label: "Visual anagrams" },
  { id: "hybrid", label: "Hybrid images" },
] as const;
const INLINE = ["modelId", "sampler", "steps", "guidance", "seed", "sigma", "lowPrompt", "highPrompt"];

export function IllusionsWorkbench() {
  const [mode, setMode] = useState<Mode>("anagram");
  const [sampling, setSampling] = useState<SamplingValues>({ sampler: "", steps: 30, guidance: 5, seed: 0 });
  const [parts, setParts] = useState<{ prompt: string; view: View }[]>([
    { prompt: "a handwritten 6", view: "identity" },
    { prompt: "a handwritten 9", view: "rot180" },
  ]);
  const [low, setLow] = useState("a handwritten 0");
  const [high, setHigh] = useState("a handwritten 1");
  const applyDefaults = useCallback((m: ModelInfo) => {
    setSampling((s) => withModelDefaults(m, s));
    setParts((ps) => ps.map((p, i) => ({ ...p, prompt: fitPrompt(p.prompt, m, i) })));
    setLow((p) => fitPrompt(p, m, 0));
    setHigh((p) => fitPrompt(p, m, 1));
  }, []);
  const { modelId, setModelId, model } = useModelChoice(mode, applyDefaults);
  const here = useRunHere(model);
  const [sigma, setSigma] = useState(2);
  useRecall(["anagram", "hybrid"], model, (r) => {
    if (r.procedure !== "anagram" && r.procedure !== "hybrid") return;
    setMode(r.procedure);
    setModelId(r.modelId);
    setSampling(recalledSampling(r, model));
    if (r.procedure === "anagram") setParts(r.parts);
    else {
      setLow(r.lowPrompt);
      setHigh(r.highPrompt);
      setSigma(r.sigma);
    }
  });
  const anagram = useRecipeForm(anagramRecipe);
  const hybrid = useRecipeForm(hybridRecipe);
  const form = mode === "anagram" ? anagram : hybrid;

  const submit = () => {
    if (mode === "anagram")
      anagram.submit({ procedure: "anagram", modelId, parts, ...samplingRecipe(sampling) }, here.runHere);
    else
      hybrid.submit(
        { procedure: "hybrid", modelId, lowPrompt: low, highPrompt: high, sigma, ...samplingRecipe(sampling) },
        here.runHere,
      );
  };
  const setPart = (i: number, patch: Partial<{ prompt: string; view: View }>) =>
    setParts((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));

  return (
    <>
      <Tabs tabs={TABS} value={mode} onChange={setMode} />
      <div className="grid grid-cols-1 gap-8 lg:grid-cols-[420px_1fr]">
        <Panel title="Recipe" className="self-start">
          <FormStack onSubmit={submit}>
            <ModelPicker procedure={mode} value={modelId} onChange={setModelId} error={form.errors.modelId} />
            {mode === "anagram" ? (
              <Field
                label="Prompts and their views"
                hint={promptHint(model)}
                error={form.errors.parts ?? form.errors.prompt ?? form.errors.view}
              >
                <div className="flex flex-col gap-2">
                  {parts.map((p, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional (prompt i gets view i)
                    <div key={i} className="flex gap-2">
                      <TextInput
                        aria-label={`prompt ${i + 1}`}
                        list="prompt-options"
                        value={p.prompt}
                        onChange={(e) => setPart(i, { prompt: e.target.value })}
                      />
                      <Select
                        aria-label={`view ${i + 1}`}
                        className="w-32"
                        value={p.view}
                        onChange={(e) => setPart(i, { view: e.target.value as View })}
                      >
                        {(model?.anagramViews ?? VIEWS).map((v) => (
                          <option key={v} value={v}>
                            {v}
                          </option>
                        ))}
                      </Select>
                      {parts.length > 2 && (
                        <Button
                          variant="ghost"
                          size="sm"
                          onClick={() => setParts((ps) => ps.filter((_, j) => j !== i))}
                        >
                          ✕
                        </Button>
                      )}
                    </div>
                  ))}
                  {parts.length < 4 && (
                    <Button
                      variant="secondary"
                      size="sm"
                      className="self-start"
                      onClick={() =>
                        setParts((ps) => [
                          ...ps,
                          {
                            prompt: model ? fitPrompt("a handwritten 1", model, ps.length) : "a handwritten 1",
                            // The next view this model offers that no part uses yet.
                            view: (model?.anagramViews ?? VIEWS).find((v) => !ps.some((q) => q.view === v)) ?? "flip",
                          },
                        ])
                      }
                    >
                      Add a view
                    </Button>
                  )}
                </div>
              </Field>
            ) : (
              <>
                <Field label="Seen from afar (low frequencies)" htmlFor="low" error={form.errors.lowPrompt}>
                  <TextInput id="low" list="prompt-options" value={low} onChange={(e) => setLow(e.target.value)} />
                </Field>
                <Field label="Seen up close (high frequencies)" htmlFor="high" error={form.errors.highPrompt}>
                  <TextInput id="high" list="prompt-options" value={high} onChange={(e) => setHigh(e.target.value)} />
                </Field>
                <NumberField
                  id="sigma"
                  label="Blur σ"
                  step={0.5}
                  value={sigma}
                  onChange={setSigma}
                  hint="0.5–8; the split between low and high frequencies"
                  error={form.errors.sigma}
                />
              </>
            )}
            <PromptSuggestions id="prompt-options" model={model} />
            <SamplingFields model={model} value={sampling} onChange={setSampling} errors={form.errors} />
            <FormErrors errors={form.errors} inline={[...INLINE, "parts", "prompt", "view"]} />
            <RunInBrowserToggle here={here} />
            <Button type="submit" disabled={form.pending || here.active}>
              {mode === "anagram" ? "Make the anagram" : "Make the hybrid"}
            </Button>
          </FormStack>
        </Panel>
        <ResultsColumn here={here} jobId={form.jobId} procedures={["anagram", "hybrid"]} imageSize={128} />
      </div>
    </>
  );
}
