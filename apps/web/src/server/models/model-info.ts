import type { ModelCard } from "@diffusion-studio/models";
import type { ModelInfo } from "@/shared/models";
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
];
const UNCONDITIONED: Procedure[] = ["generate", "sdedit", "inpaint", "forward", "denoise-compare"];

/**
 * What the UI needs to know about an exported model, from its card. Returns undefined for models that are not
 * diffusion denoisers (the classifier, the one-step denoiser), which the galleries cannot sample from.
 */
export function describeCard(
  id: string,
  card: ModelCard,
  source: ModelInfo["source"],
  name?: string,
): ModelInfo | undefined {
  if (card.prediction !== "velocity" && card.prediction !== "epsilon") return undefined;
  const flow = card.prediction === "velocity";
  const conditioned = card.classConditioned;
  return {
    id,
    name: name ?? id,
    description: `${flow ? "Flow matching" : `DDPM (${scheduleLabel(card)})`} UNet (D=${card.D}), ${conditioned ? "class-conditioned on MNIST digits" : "unconditional"}`,
    source,
    conditioning: conditioned ? { type: "class", classes: DIGIT_CLASSES } : { type: "none" },
    shape: [1, 28, 28],
    procedures: conditioned ? CONDITIONED_PROCEDURES : UNCONDITIONED,
    schedules: [flow ? "flow-euler" : "ddpm-strided"],
    anagramViews: VIEWS.filter((v) => v !== "negate"), // pixels in [0, 1]
    defaults: { steps: flow ? 50 : ddpmDefaultSteps(card.numTrainTimesteps ?? 300), guidance: conditioned ? 5 : 0 },
    promptExamples: conditioned ? DIGIT_CLASSES.map((c) => c.name) : [],
    width: card.D,
  };
}

/** The course's full ancestral loop for the T = 300 model; part A's 34 strided steps (990 … 0) for T = 1000. */
function ddpmDefaultSteps(T: number): number {
  return T === 1000 ? 34 : T;
}

/** "cosine β, T = 1000" / "linear β, T = 300": what a DDPM model was trained on. */
function scheduleLabel(card: ModelCard): string {
  const type = card.noiseSchedule?.type === "squaredcos_cap_v2" ? "cosine" : "linear";
  return `${type} β, T = ${card.numTrainTimesteps ?? 300}`;
}
