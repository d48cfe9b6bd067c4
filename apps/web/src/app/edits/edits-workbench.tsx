"use client";

import { Button, Field, FormStack, Panel, TextInput } from "@diffusion-studio/ui";
import { useSearchParams } from "next/navigation";
import { useCallback, useState } from "react";
import { RunInBrowserToggle } from "@/browser/browser-run-progress";
import { useRunHere } from "@/browser/use-browser-run";
import { FormErrors } from "@/components/form-errors";
import { ImageSource } from "@/components/image-source";
import { MaskPainter } from "@/components/mask-painter";
import { ModelPicker, useModelChoice } from "@/components/model-picker";
import { fitPrompt, NoPromptNote, PromptSuggestions, promptHint, takesPrompt } from "@/components/prompt-suggestions";
import { ResultsColumn } from "@/components/results-column";
import {
  recalledSampling,
  SamplingFields,
  type SamplingValues,
  samplingRecipe,
  withCourseDefaults,
} from "@/components/sampling-fields";
import { Tabs } from "@/components/tabs";
import { useRecall } from "@/hooks/recipe-inbox";
import { useRecipeForm } from "@/hooks/use-recipe-form";
import type { Uploaded } from "@/hooks/use-upload";
import type { ModelInfo } from "@/shared/models";
import { DEFAULT_I_STARTS, inpaintRecipe, LIMITS, sdeditRecipe } from "@/shared/recipes";

type Mode = "sdedit" | "inpaint" | "img2img";
const TABS = [
  { id: "sdedit", label: "SDEdit sweep" },
  { id: "inpaint", label: "Inpainting" },
  { id: "img2img", label: "Text image-to-image" },
] as const;
const INLINE = ["modelId", "prompt", "iStarts", "sampler", "steps", "guidance", "seed", "imageId", "maskId"];

/** "1, 3, 5" → [1, 3, 5]; anything unparsable becomes NaN so validation names it. */
function parseLevels(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((s) => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN));
}

export function EditsWorkbench() {
  // `?mode=inpaint` when a result is sent here as the source to inpaint.
  const params = useSearchParams();
  const [mode, setMode] = useState<Mode>(() => TABS.find((t) => t.id === params.get("mode"))?.id ?? "sdedit");
  const [prompt, setPrompt] = useState("a handwritten 7");
  const procedure = mode === "inpaint" ? "inpaint" : "sdedit";
  const [sampling, setSampling] = useState<SamplingValues>({ sampler: "", steps: 30, guidance: 7, seed: 0 });
  const applyDefaults = useCallback((m: ModelInfo) => {
    // SDEdit's levels (1, 3, 5, 7, 10, 20) and inpainting are the course's procedures, on the course's walk.
    setSampling((s) => withCourseDefaults(m, s));
    setPrompt((p) => fitPrompt(p, m));
  }, []);
  const { modelId, setModelId, model } = useModelChoice(procedure, applyDefaults);
  useRecall(["sdedit", "inpaint"], model, (r) => {
    if (r.procedure !== "sdedit" && r.procedure !== "inpaint") return;
    setMode(r.procedure);
    setModelId(r.modelId);
    setPrompt(r.prompt);
    setSampling(recalledSampling(r, model));
    if (r.procedure === "sdedit") setLevels(r.iStarts.join(", "));
  });
  const here = useRunHere(model);
  const [image, setImage] = useState<Uploaded>();
  const [mask, setMask] = useState<Uploaded>();
  const [levels, setLevels] = useState(DEFAULT_I_STARTS.join(", "));
  const sdedit = useRecipeForm(sdeditRecipe);
  const inpaint = useRecipeForm(inpaintRecipe);
  const form = mode === "inpaint" ? inpaint : sdedit;
  const [h, w] = [model?.shape[1] ?? 28, model?.shape[2] ?? 28];

  const prompted = takesPrompt(model);

  const submit = () => {
    // An unconditional model takes no prompt ("") and no γ.
    const common = {
      modelId,
      prompt: prompted ? prompt : "",
      ...samplingRecipe(sampling),
      guidance: prompted ? sampling.guidance : 0,
      imageId: image?.id ?? "",
    };
    if (mode === "inpaint") inpaint.submit({ procedure: "inpaint", ...common, maskId: mask?.id ?? "" }, here.runHere);
    else sdedit.submit({ procedure: "sdedit", ...common, iStarts: parseLevels(levels) }, here.runHere);
  };

  return (
    <>
      <Tabs tabs={TABS} value={mode} onChange={setMode} />
      <div className="grid grid-cols-1 gap-8 lg:grid-cols-[400px_1fr]">
        <Panel title="Recipe" className="self-start">
          <FormStack onSubmit={submit}>
            <ModelPicker procedure={procedure} value={modelId} onChange={setModelId} error={form.errors.modelId} />
            <Field label="Source image" error={form.errors.imageId}>
              <ImageSource
                width={w}
                height={h}
                onChange={(u) => {
                  setImage(u);
                  // A mask fits its source's size: kept while the size stays (a sketch's late upload must not wipe
                  // the mask just painted), dropped for an image of another size.
                  setMask((m) => (m && u && m.width === u.width && m.height === u.height ? m : undefined));
                }}
              />
            </Field>
            {mode === "inpaint" && image && (
              <Field label="Mask" error={form.errors.maskId}>
                <MaskPainter source={image} onChange={setMask} />
              </Field>
            )}
            {mode !== "inpaint" && (
              <Field
                label="Noise levels (i_start)"
                htmlFor="levels"
                hint={`Comma-separated, each ${LIMITS.iStart.min}–${LIMITS.iStart.max} and below the step count`}
                error={form.errors.iStarts}
              >
                <TextInput id="levels" value={levels} onChange={(e) => setLevels(e.target.value)} />
              </Field>
            )}
            {prompted ? (
              <Field
                label="Prompt"
                htmlFor="prompt"
                hint={`${mode === "img2img" ? "The edit follows this text." : "What the result should be."} ${promptHint(model)}`}
                error={form.errors.prompt}
              >
                <TextInput
                  id="prompt"
                  list="prompt-options"
                  value={prompt}
                  onChange={(e) => setPrompt(e.target.value)}
                />
                <PromptSuggestions id="prompt-options" model={model} />
              </Field>
            ) : (
              model && <NoPromptNote model={model} />
            )}
            <SamplingFields
              model={model}
              value={sampling}
              onChange={setSampling}
              errors={form.errors}
              showGuidance={prompted}
            />
            <FormErrors errors={form.errors} inline={INLINE} />
            <RunInBrowserToggle here={here} />
            <Button type="submit" disabled={form.pending || here.active}>
              {mode === "inpaint" ? "Inpaint" : mode === "sdedit" ? "Run the sweep" : "Edit with the prompt"}
            </Button>
          </FormStack>
        </Panel>
        <ResultsColumn here={here} jobId={form.jobId} procedures={["sdedit", "inpaint"]} />
      </div>
    </>
  );
}
