import type { ProgressStage } from "./jobs.ts";

/** 1 → "1st", 2 → "2nd", 3 → "3rd", 11 → "11th", 22 → "22nd". */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** A waiting job's place, as its badge says it: "3rd in queue" (position 0 or unknown: it is between states). */
export function queueWording(position: number | undefined): string {
  return position && position > 0 ? `${ordinal(position)} in queue` : "queued";
}

/** "step 3/40", or for one loop of several "level 2 of 4, i_start = 10 · step 3/40". */
export function progressWording(step: number, total: number, stage?: ProgressStage): string {
  const steps = `step ${step}/${total}`;
  return stage ? `level ${stage.index} of ${stage.count}, ${stage.label} · ${steps}` : steps;
}
