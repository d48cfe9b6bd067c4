/**
 * What evaluations produce, as plain types: the run directory's model card, the sweep and its plot import these
 * without importing the code that computes them (which itself writes the card).
 */

export interface GeneratorEvaluation {
  readonly samples: number;
  /**
   * Fréchet distance between the classifier's penultimate features (128 wide; logits for older classifier exports) on
   * generated digits and on the 10,000 test digits.
   */
  readonly mnistFid: number;
  /** Width of the features compared. */
  readonly fidFeatureSize: number;
  /** The same distance between the even- and odd-indexed test digits: the floor that sampling noise alone gives. */
  readonly mnistFidTestHalves: number;
  readonly classifierTestAccuracy: number;
  /** For class-conditioned models: how often the classifier reads the digit that was asked for, and per digit. */
  readonly sampleAccuracy?: number;
  readonly perDigitSampleAccuracy?: readonly number[];
  /** Histogram of the classifier's readings of the generated digits. */
  readonly predictedDigitCounts: readonly number[];
}

export type SampleScores = Pick<
  GeneratorEvaluation,
  "mnistFid" | "sampleAccuracy" | "perDigitSampleAccuracy" | "predictedDigitCounts"
>;

/** One cell of the sweep: a sampler at a budget and a γ, scored on the same noise as every other cell. */
export interface SweepCell extends SampleScores {
  readonly sampler: string;
  /** Model evaluations per image actually taken (Heun takes 2N − 1 ≤ the budget). */
  readonly nfe: number;
  /** CFG γ (class-conditioned models; absent for unconditional ones). */
  readonly guidanceScale?: number;
  /** The sampler's JSON (`makeSampler` rebuilds it). */
  readonly config: unknown;
}

/**
 * A model's recorded default, the shape the sampling policy reads (`ModelCard.sampling` in @diffusion-studio/models):
 * a sampler name from its table, its model evaluations, and γ for class-conditioned models.
 */
export interface RecordedSampling {
  readonly sampler: string;
  readonly steps: number;
  readonly guidanceScale?: number;
  /** The exact sampler JSON behind `sampler` + `steps`. */
  readonly config: unknown;
}

export interface SamplerSweep {
  readonly samplesPerCell: number;
  /** The reference: the run's own sampler (flow: Euler, 50 steps) at the run's γ. */
  readonly baseline: SweepCell;
  /** A cell qualifies when its FID ≤ (1 + tolerance) × the baseline's. */
  readonly tolerance: number;
  /** sampler × NFE at the run's γ, then (class-conditioned models) γ at the chosen sampler and NFE. */
  readonly cells: readonly SweepCell[];
  readonly choice: RecordedSampling;
  /** False while the sweep runs (or after it was interrupted): the table holds the cells done so far. */
  readonly complete: boolean;
  readonly seconds: number;
  /**
   * Why the model keeps its course sampler as its default although `choice` qualified (e.g. its images look wrong
   * in a way FID does not see); absent when `choice` is the recorded default.
   */
  readonly kept?: string;
}
