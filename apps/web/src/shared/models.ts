import type { Procedure } from "./recipes.js";

/** What a model is conditioned on; the forms adapt to it. */
export type Conditioning =
  | { readonly type: "class"; readonly classes: readonly { readonly label: number; readonly name: string }[] }
  | { readonly type: "text" }
  | { readonly type: "none" };

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
  /** Sampling schedules it can run (e.g. "flow-euler", "ddpm-strided"). */
  readonly schedules: readonly string[];
  readonly defaults: { readonly steps: number; readonly guidance: number };
  readonly promptExamples: readonly string[];
}
