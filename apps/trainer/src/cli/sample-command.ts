import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { sampleModelFile, writePngs } from "@diffusion-studio/models/node";
import type { Command } from "commander";

interface SampleFlags {
  class?: string;
  count: string;
  out: string;
  seed: string;
  steps?: string;
  guidance?: string;
  threads?: string;
}

/**
 * `diffusion-trainer sample <model>`: draws `--count` digits (of `--class` for class-conditioned models) with the
 * model's sampling policy (@diffusion-studio/models) and writes them as PNGs, one path per line on stdout. The
 * package checks every value; its RangeErrors are reported with the flag's name (exit 2).
 */
export function addSampleCommand(program: Command, write: (s: string) => void, print: (s: string) => void): void {
  program
    .command("sample")
    .description("Draw digits from an exported model with its sampling policy and write them as PNG files.")
    .argument("<model>", "a model.onnx, or a folder holding one (models/flow-class-d32, a finished run)")
    .option("--class <digit>", "the digit 0–9 to draw (class-conditioned models; default: unconditional)")
    .option("--count <n>", "how many images", "16")
    .requiredOption("--out <dir>", "folder for the PNGs (created if missing)")
    .option("--seed <n>", "seed of the noise: the same seed gives the same images", "0")
    .option("--steps <n>", "reverse steps (default: the model's, e.g. 50 Euler steps for flow)")
    .option("--guidance <γ>", "classifier-free guidance scale (default: the model's, 5)")
    .option("--threads <n>", "ONNX Runtime intra-op threads (default: all cores)")
    .action(async (model: string, flags: SampleFlags) => {
      const files = await sampleToFiles(model, flags);
      write(`${files.length} images in ${flags.out}`);
      for (const file of files) print(file);
    });
}

/** The flag for each option field the package names in its errors. */
const FLAG_OF: Record<string, string> = {
  classLabel: "--class",
  count: "--count",
  seed: "--seed",
  steps: "--steps",
  guidanceScale: "--guidance",
  threads: "--threads",
};

async function sampleToFiles(model: string, flags: SampleFlags): Promise<string[]> {
  const file = existsSync(model) && statSync(model).isDirectory() ? path.join(model, "model.onnx") : model;
  if (!existsSync(file)) {
    throw new RangeError(`<model> must be a model.onnx or a folder holding one (${file} does not exist)`);
  }
  const number = (raw: string | undefined) => (raw === undefined || raw.trim() === "" ? undefined : Number(raw));
  const options = {
    count: number(flags.count)!,
    seed: number(flags.seed),
    classLabel: number(flags.class),
    steps: number(flags.steps),
    guidanceScale: number(flags.guidance),
    threads: number(flags.threads),
  };
  try {
    const images = await sampleModelFile(file, options);
    return await writePngs(images, flags.out, {
      prefix: flags.class === undefined ? "sample-" : `digit-${flags.class}-`,
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new RangeError(error.message.replace(/^`(\w+)`/, (field, name: string) => FLAG_OF[name] ?? field));
  }
}
