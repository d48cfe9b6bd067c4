/** What a worker host hands its training executor process: a prepared run directory to train or continue. */
export interface TrainingTask {
  readonly dir: string;
  readonly threads: number;
}

export interface TrainingResult {
  readonly state: "done" | "cancelled";
  readonly step: number;
  readonly totalSteps: number;
}
