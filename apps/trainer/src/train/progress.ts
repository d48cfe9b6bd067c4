/** Throughput and ETA over a sliding window of recent steps (the first, slower steps drop out quickly). */
export class ThroughputMeter {
  private readonly times: number[] = [];
  private readonly images: number[] = [];

  constructor(private readonly window = 20) {}

  record(nowMs: number, batchSize: number): void {
    this.times.push(nowMs);
    this.images.push(batchSize);
    if (this.times.length > this.window + 1) {
      this.times.shift();
      this.images.shift();
    }
  }

  /** Images per second over the window (0 until two steps are recorded). */
  imagesPerSecond(): number {
    if (this.times.length < 2) return 0;
    const seconds = (this.times.at(-1)! - this.times[0]!) / 1000;
    const images = this.images.slice(1).reduce((a, b) => a + b, 0);
    return seconds > 0 ? images / seconds : 0;
  }

  /** Seconds for `remainingSteps` more steps at the window's pace. */
  etaSeconds(remainingSteps: number): number {
    if (this.times.length < 2) return Number.NaN;
    const perStep = (this.times.at(-1)! - this.times[0]!) / 1000 / (this.times.length - 1);
    return remainingSteps * perStep;
  }
}
