import { type ModelCard, SAMPLERS, type SamplerName, samplingPolicy } from "@diffusion-studio/models";
import type { ModelInfo, SamplerInfo } from "@/shared/models";
import { type Procedure, VIEWS } from "@/shared/recipes";

/** MNIST class labels as the galleries show them: prompts are "a handwritten 7". */
export const DIGIT_CLASSES = Array.from({ length: 10 }, (_, label) => ({ label, name: `a handwritten ${label}` }));

/** Everything a conditioned model can run (CFG and prompts are what the illusions and the CFG comparison need). */
export const CONDITIONED_PROCEDURES: Procedure[] = [
  "generate",
  "sdedit",
  "inpaint",
  "anagram",
  "hybrid",
  "forward",
  "denoise-compare",
  "cfg-compare",
  "sampler-compare",
];
const UNCONDITIONED: Procedure[] = ["generate", "sdedit", "inpaint", "forward", "denoise-compare", "sampler-compare"];

/** The model-card.json fields a published run adds (see readModelCardFile in @diffusion-studio/models/node). */
function cardText(card: ModelCard, key: "name" | "description"): string | undefined {
  const value = card.extra?.[key];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/**
 * What the UI needs to know about an exported model, from its card; every sampling choice (samplers, defaults,
 * course steps) is the model's sampling policy's. Returns undefined for models that are not diffusion denoisers
 * (the classifier, the one-step denoiser), which the galleries cannot sample from.
 */
export function describeCard(
  id: string,
  card: ModelCard,
  source: ModelInfo["source"],
  name?: string,
): ModelInfo | undefined {
  if (card.prediction !== "velocity" && card.prediction !== "epsilon") return undefined;
  const policy = samplingPolicy(card);
  const conditioned = card.classConditioned;
  return {
    id,
    name: name ?? cardText(card, "name") ?? id,
    description: cardText(card, "description") ?? fallbackDescription(card),
    source,
    conditioning: conditioned ? { type: "class", classes: DIGIT_CLASSES } : { type: "none" },
    shape: [1, 28, 28],
    procedures: conditioned ? CONDITIONED_PROCEDURES : UNCONDITIONED,
    samplers: policy.samplers.map(samplerInfo),
    anagramViews: VIEWS.filter((v) => v !== "negate"), // pixels in [0, 1]
    defaults: {
      sampler: policy.defaults.sampler,
      steps: policy.defaults.steps,
      guidance: policy.defaults.guidanceScale ?? 0,
    },
    courseSteps: policy.course.steps,
    promptExamples: conditioned ? DIGIT_CLASSES.map((c) => c.name) : [],
    width: card.D,
  };
}

/** A sampler's row in the models package's table, as the forms show it. */
export function samplerInfo(name: SamplerName): SamplerInfo {
  return { name, description: SAMPLERS[name].description };
}

/** For a card with no published description (a portal run's export): what its card says it is. */
function fallbackDescription(card: ModelCard): string {
  const what = card.prediction === "velocity" ? "Flow matching" : `DDPM (${scheduleLabel(card)})`;
  return `${what} UNet (D=${card.D}), ${card.classConditioned ? "class-conditioned on MNIST digits" : "unconditional"}`;
}

/** "cosine β, T = 1000" / "linear β, T = 300": what a DDPM model was trained on. */
function scheduleLabel(card: ModelCard): string {
  const type = card.noiseSchedule?.type === "squaredcos_cap_v2" ? "cosine" : "linear";
  return `${type} β, T = ${card.numTrainTimesteps ?? 300}`;
}
