import type { Procedure, View } from "./recipes.ts";

/** What a model is conditioned on; the forms adapt to it. */
export type Conditioning =
  | { readonly type: "class"; readonly classes: readonly { readonly label: number; readonly name: string }[] }
  | {
      readonly type: "text";
      /** Whether any text is understood (a text encoder is loaded); otherwise only `storedPrompts`. */
      readonly freeText: boolean;
      /** Prompts with precomputed embeddings (exact, or lower-cased and stripped as diffusers does). */
      readonly storedPrompts: readonly string[];
    }
  | { readonly type: "none" };

/** A sampler a model can run: its name in @diffusion-studio/models' sampler table and what it does. */
export interface SamplerInfo {
  readonly name: string;
  readonly description: string;
}

/** What the forms start from: the sampler, its steps (model evaluations per image) and the CFG γ. */
export interface SamplingDefaults {
  readonly sampler: string;
  readonly steps: number;
  readonly guidance: number;
}

/** A model the galleries can use, and what it supports. */
export interface ModelInfo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly source: "embedded" | "promoted" | "configured";
  readonly conditioning: Conditioning;
  /** [channels, height, width] of the images it makes. */
  readonly shape: readonly [number, number, number];
  readonly procedures: readonly Procedure[];
  /**
   * The samplers it can run, the course's first (flow-euler, ddpm): a recipe that names no sampler means that one,
   * which is what every recipe meant before samplers could be chosen.
   */
  readonly samplers: readonly SamplerInfo[];
  /**
   * The anagram views that make sense for its images. `negate` (x → −x) needs pixels centred on 0 (IF's [−1, 1]);
   * on MNIST's [0, 1] a negated digit is out of distribution and samples come out black.
   */
  readonly anagramViews: readonly View[];
  /** Decided by the model's sampling policy: the few-step sampler its card measured, else the course's. */
  readonly defaults: SamplingDefaults;
  /**
   * The course's steps (50 for flow, T or 34 for DDPM): the forward process and "blur vs one-step vs iterative" walk
   * these, whatever the default, so `iStart` indexes them.
   */
  readonly courseSteps: number;
  /** The registry's default model, the one pickers start on. */
  readonly isDefault?: boolean;
  readonly promptExamples: readonly string[];
  /** SHA-256 (hex) of the model file, or of an export's manifest; written into every image's recipe. */
  readonly fileSha256?: string;
  /** Hidden width D of our own UNets (wider is more capable and slower); absent for imported pipelines. */
  readonly width?: number;
  /**
   * Present when the model is small enough to run in a browser (onnxruntime-web): the ONNX file's size and SHA-256
   * (hex), served at `/api/models/<id>/model.onnx` and checked by the page after download.
   */
  readonly browser?: { readonly bytes: number; readonly sha256: string };
  /** A super-resolution stage the results can be upscaled with (DeepFloyd IF stage II), and its defaults. */
  readonly upscale?: {
    readonly size: number;
    readonly steps: number;
    readonly guidance: number;
    readonly noiseLevel: number;
  };
}

/** A model source that is configured but could not be offered; shown on the home page. */
export interface ModelProblem {
  /** What was configured, e.g. "DeepFloyd IF (DEEPFLOYD_DIR=/data/if)". */
  readonly source: string;
  readonly message: string;
}
