import {
  type Condition,
  type Denoiser,
  type GuidancePlan,
  guidedPredict,
  type ImageBatch,
  Rng,
  type Sampler,
  type StepCarry,
} from "@diffusion-studio/core";
import { modelCard, samplerFor as policySampler } from "@diffusion-studio/models";
import { coreSchedule } from "../config/schedule.js";
import type { DdpmConfig, FlowConfig } from "../config/schema.js";
import { modelKindOf } from "../train/objectives.js";

/** What to draw: one condition per image (`null` = unconditional), guided with `cfgScale` when conditioned. */
export interface GenerateRequest {
  readonly conditions: readonly Condition[];
  /** CFG γ: u = u_uncond + γ·(u_cond − u_uncond). A null condition is not guided (one model pass). */
  readonly cfgScale: number;
  readonly seed: number;
  /** Keep this many evenly spaced intermediate states x_t (plus the start and the end) for a GIF. */
  readonly keepFrames?: number;
}

export interface GenerateResult {
  readonly images: ImageBatch;
  /** x at the kept levels, the first being pure noise and the last `images`. */
  readonly frames: readonly ImageBatch[];
}

/**
 * The sampler of an experiment, from @diffusion-studio/models' sampling policy for the card its export will carry:
 * flow: Euler with `sampleSteps` steps; ddpm: every `sampleStride`-th timestep from the top (stride 1: the full
 * ancestral walk with σ² = β; part A's 990, 960, …, 0 at stride 30 with the posterior variance β̃).
 */
export function samplerFor(config: FlowConfig | DdpmConfig): Sampler {
  if (config.objective === "flow") {
    return policySampler(modelCard(modelKindOf(config), config.hidden), { steps: config.flow.sampleSteps });
  }
  const card = modelCard(modelKindOf(config), config.hidden, { noiseSchedule: coreSchedule(config.ddpm.schedule) });
  return policySampler(card, { stride: config.ddpm.sampleStride });
}

/** Runs the reverse process from N(0, I) noise; every step is one `predict` call holding both CFG branches. */
export async function generate(
  denoiser: Denoiser,
  sampler: Sampler,
  request: GenerateRequest,
): Promise<GenerateResult> {
  const { conditions, cfgScale } = request;
  const n = conditions.length;
  const shape = [n, denoiser.info.channels, denoiser.info.height, denoiser.info.width] as const;
  const rng = new Rng(request.seed >>> 0);
  let x: ImageBatch = rng.gaussian(shape);
  const keep = new Set<number>();
  const frames = Math.max(0, request.keepFrames ?? 0);
  for (let k = 0; k <= frames; k++) keep.add(Math.round((k * sampler.numSteps) / Math.max(1, frames)));
  const kept: ImageBatch[] = keep.has(0) ? [x] : [];
  // CFG (ε_u + γ·(ε_c − ε_u), unconditional = no class) in one batched call per step, as core's procedures do;
  // core skips the unconditional pass of a null condition (it would only repeat it).
  const plan: GuidancePlan = {
    branches: [{ conditions, unconditional: conditions.map(() => null) }],
    guidanceScale: cfgScale,
    reduction: "mean",
  };
  // Heun's corrector and multistep solvers read the previous step's carry.
  let carry: StepCarry | undefined;
  for (let i = 0; i < sampler.numSteps; i++) {
    const prediction = await guidedPredict(denoiser, plan, x, sampler.levels[i]!);
    const noise = sampler.stepNeedsNoise(i) ? rng.gaussian(shape) : undefined;
    const stepped = sampler.step(i, x, prediction, noise, carry);
    x = stepped.prevSample;
    carry = stepped.carry;
    if (keep.has(i + 1)) kept.push(x);
  }
  return { images: x, frames: kept };
}

/** `count` conditions cycling through the digits 0–9, so a 10-column grid has one digit per column. */
export function digitConditions(count: number): Condition[] {
  return Array.from({ length: count }, (_, i) => ({ classLabel: i % 10 }));
}
