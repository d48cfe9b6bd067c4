import { existsSync } from "node:fs";
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { cancelRun, startRun } from "../api/process.js";
import { listRuns } from "../api/runs.js";
import { experimentNames, experiments } from "../config/experiments.js";
import { ConfigError, type ConfigOverrides, parseAssignments, resolveConfig } from "../config/resolve.js";
import { evaluateGenerator } from "../eval/evaluate.js";
import { sweepGenerator } from "../eval/sweep.js";
import { publishRun } from "../run/publish.js";
import { createRunDir, RunExistsError, RunNotFoundError, readRunConfig } from "../run/run-dir.js";
import { runTraining } from "../train/run.js";
import { createProgressReporter } from "./progress-bar.js";
import { addSampleCommand } from "./sample-command.js";

/** Exit codes: 0 done, 1 failed, 2 bad input, 130 stopped by Ctrl-C (continue with --resume). */
export const EXIT = { done: 0, failed: 1, usage: 2, interrupted: 130 } as const;

function integer(flag: string, min?: number) {
  return (raw: string) => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || (min !== undefined && value < min)) {
      throw new InvalidArgumentError(`${flag} must be an integer${min === undefined ? "" : ` ≥ ${min}`}, got "${raw}"`);
    }
    return value;
  };
}

function decimal(flag: string) {
  return (raw: string) => {
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value)) {
      throw new InvalidArgumentError(`${flag} must be a number, got "${raw}"`);
    }
    return value;
  };
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** "4,6,8" → [4, 6, 8], each an integer in [min, max]. */
function integerList(flag: string, min: number, max: number) {
  return (raw: string) =>
    raw.split(",").map((part) => {
      const value = Number(part);
      if (!/^\d+$/.test(part.trim()) || value < min || value > max) {
        throw new InvalidArgumentError(
          `${flag} must be integers in [${min}, ${max}] separated by commas, got "${raw}"`,
        );
      }
      return value;
    });
}

/** "0,1.5,3" → [0, 1.5, 3], each a finite number ≥ 0. */
function decimalList(flag: string) {
  return (raw: string) =>
    raw.split(",").map((part) => {
      const value = Number(part);
      if (part.trim() === "" || !Number.isFinite(value) || value < 0) {
        throw new InvalidArgumentError(`${flag} must be numbers ≥ 0 separated by commas, got "${raw}"`);
      }
      return value;
    });
}

interface EvaluateFlags {
  classifier: string;
  samples: number;
  chunk: number;
  threads?: number;
  sweep?: boolean;
  cellSamples: number;
  nfe?: number[];
  guidance?: number[];
  keepSampler?: string;
}

interface TrainFlags {
  epochs?: number;
  batch?: number;
  hidden?: number;
  lr?: number;
  seed?: number;
  out?: string;
  root: string;
  set: string[];
  resume?: string;
  threads?: number;
  detach?: boolean;
}

/** Overrides from the shortcut flags and every --set field=value. */
export function overridesFromFlags(flags: Omit<TrainFlags, "root">): ConfigOverrides {
  const overrides: Record<string, unknown> = parseAssignments(flags.set);
  for (const key of ["epochs", "batch", "hidden", "lr", "seed"] as const) {
    if (flags[key] !== undefined) overrides[key] = flags[key];
  }
  return overrides;
}

function defaultRunDir(root: string, experiment: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
  return path.join(root, `${experiment}-${stamp}`);
}

function threadsOf(flags: { threads?: number }) {
  return flags.threads ? { threads: flags.threads } : {};
}

async function train(configName: string | undefined, flags: TrainFlags, write: (s: string) => void): Promise<number> {
  let dir: string;
  if (flags.resume) {
    if (configName) {
      throw new ConfigError([{ field: "config", message: "give either <config> or --resume <run>, not both" }]);
    }
    dir = flags.resume;
    if (!existsSync(dir)) throw new RunNotFoundError(dir, "no such directory");
    readRunConfig(dir);
    if (flags.detach) {
      const started = startRun({ resume: dir, ...threadsOf(flags) });
      write(`continuing ${started.dir} in the background (pid ${started.pid}); log: ${started.log}`);
      return EXIT.done;
    }
  } else {
    if (!configName) {
      throw new ConfigError([{ field: "config", message: `missing; one of ${experimentNames.join(", ")}` }]);
    }
    const overrides = overridesFromFlags(flags);
    const config = resolveConfig(configName, overrides);
    dir = flags.out ?? defaultRunDir(flags.root, config.experiment);
    if (flags.detach) {
      const started = startRun({ experiment: configName, overrides, dir, ...threadsOf(flags) });
      write(`started ${started.dir} in the background (pid ${started.pid}); log: ${started.log}`);
      return EXIT.done;
    }
    createRunDir(dir, config);
    write(`run directory: ${path.resolve(dir)}`);
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      write("\nstopping after this step and saving a checkpoint (Ctrl-C again quits at once)…");
      controller.abort();
    } else process.exit(EXIT.interrupted);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const config = readRunConfig(dir);
    const outcome = await runTraining({
      dir,
      signal: controller.signal,
      onEvent: createProgressReporter({ epochs: config.epochs, tty: Boolean(process.stderr.isTTY), write }),
      ...threadsOf(flags),
    });
    if (outcome.state === "cancelled") {
      write(`continue with: diffusion-trainer train --resume ${dir}`);
      return EXIT.interrupted;
    }
    return EXIT.done;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function addOverrideFlags(command: Command): Command {
  return command
    .option("--epochs <n>", "number of epochs", integer("--epochs"))
    .option("--batch <n>", "minibatch size", integer("--batch"))
    .option("--hidden <n>", "UNet hidden width D", integer("--hidden"))
    .option("--lr <x>", "initial learning rate", decimal("--lr"))
    .option("--seed <n>", "seed of the initialisation, shuffling and noise", integer("--seed"))
    .option("--set <field=value>", "override any config field, e.g. flow.cfgScale=3 (repeatable)", collect, []);
}

export function buildProgram(
  write: (s: string) => void,
  print: (s: string) => void,
  setExitCode: (code: number) => void,
): Command {
  const program = new Command()
    .name("diffusion-trainer")
    .description("Train the CS180 part B experiments on MNIST with ONNX Runtime.")
    .configureOutput({ writeOut: (s) => write(s.trimEnd()), writeErr: (s) => write(s.trimEnd()) })
    .exitOverride();

  addOverrideFlags(
    program
      .command("train")
      .description("Train an experiment in a new run directory, or continue one with --resume.")
      .argument("[config]", `experiment: ${experimentNames.join(", ")}`),
  )
    .option("--out <dir>", "run directory to create (refused if it exists)")
    .addOption(new Option("--root <dir>", "parent of generated run directories").default("runs"))
    .option("--resume <run>", "continue the run in this directory from its latest checkpoint")
    .option("--threads <n>", "ONNX Runtime intra-op threads (default: all cores)", integer("--threads", 1))
    .option("--detach", "train in a background process that outlives this one; progress goes to <run>/train.log")
    .action(async (configName: string | undefined, flags: TrainFlags) => {
      setExitCode(await train(configName, flags, write));
    });

  program
    .command("configs")
    .description("List the named experiments.")
    .action(() => {
      for (const name of experimentNames) {
        const c = experiments[name]!;
        print(
          `${name.padEnd(20)} v${c.version}  D=${c.hidden} batch ${c.batch} lr ${c.lr} ${c.epochs} epochs  ${c.description}`,
        );
      }
    });

  addOverrideFlags(
    program
      .command("show")
      .description("Print an experiment's resolved config (with the same overrides as train).")
      .argument("<config>"),
  ).action((name: string, flags: TrainFlags) => {
    print(JSON.stringify(resolveConfig(name, overridesFromFlags(flags)), null, 2));
  });

  program
    .command("list")
    .description("List the runs under a directory.")
    .argument("[root]", "runs directory", "runs")
    .action((root: string) => {
      for (const run of listRuns(root)) {
        const loss = run.lastLoss === null ? "-" : run.lastLoss.toFixed(4);
        print(
          `${run.name.padEnd(36)} ${run.state.padEnd(9)} ${run.experiment.padEnd(20)} step ${run.step}/${run.totalSteps} loss ${loss}`,
        );
      }
    });

  program
    .command("evaluate")
    .description("Evaluate a finished generator run with a classifier: per-digit sample accuracy and MNIST-FID.")
    .argument("<run>", "the generator's run directory")
    .requiredOption("--classifier <model>", "the classifier's run directory or model.onnx")
    .option("--samples <n>", "generated digits (the spec's figure is 10000)", integer("--samples", 20), 10000)
    .option("--chunk <n>", "digits per cached chunk; a re-run skips finished chunks", integer("--chunk", 1), 250)
    .option("--threads <n>", "ONNX Runtime intra-op threads", integer("--threads", 1))
    .option("--sweep", "instead: quality per compute, sampler × NFE (× γ), and the default sampler it picks")
    .option("--cell-samples <n>", "with --sweep: digits per cell", integer("--cell-samples", 20), 1000)
    .option("--nfe <list>", "with --sweep: model-evaluation budgets", integerList("--nfe", 1, 1000))
    .option("--guidance <list>", "with --sweep: CFG γ values for class-conditioned models", decimalList("--guidance"))
    .option(
      "--keep-sampler <why>",
      "with --sweep: keep the course's sampler as the default, for the reason given (the card prints it)",
    )
    .action(async (run: string, flags: EvaluateFlags) => {
      let last = 0;
      const onProgress = (done: number, total: number) => {
        if (Date.now() - last > 5000 || done === total) {
          last = Date.now();
          write(`generated and classified ${done}/${total}`);
        }
      };
      const common = { run, classifier: flags.classifier, chunk: flags.chunk, ...threadsOf(flags) };
      if (flags.sweep) {
        const sweep = await sweepGenerator({
          ...common,
          samplesPerCell: flags.cellSamples,
          ...(flags.nfe ? { nfe: flags.nfe } : {}),
          ...(flags.guidance ? { guidance: flags.guidance } : {}),
          ...(flags.keepSampler ? { keepSampler: flags.keepSampler } : {}),
          onCell: (cell, done, total) =>
            write(
              `[${done}/${total}] ${cell.sampler} ${cell.nfe} NFE${cell.guidanceScale === undefined ? "" : ` γ=${cell.guidanceScale}`}: FID ${cell.mnistFid.toFixed(1)}${cell.sampleAccuracy === undefined ? "" : `, ${(cell.sampleAccuracy * 100).toFixed(1)} % as asked`}`,
            ),
        });
        print(
          JSON.stringify({ choice: sweep.choice, baseline: sweep.baseline.mnistFid, seconds: sweep.seconds }, null, 2),
        );
        return;
      }
      const result = await evaluateGenerator({ ...common, samples: flags.samples, onProgress });
      print(JSON.stringify(result, null, 2));
    });

  addSampleCommand(program, write, print);

  program
    .command("publish")
    .description("Copy a finished run's model, card, loss curve, evaluation and last grid into a model folder.")
    .argument("<run>", "the finished run directory")
    .argument("<folder>", "where the model goes, e.g. models/flow-class-d32 (the portal offers everything in models/)")
    .option("--note <text>", "a note for the model card (repeatable)", collect, [])
    .action((run: string, folder: string, flags: { note: string[] }) => {
      const files = publishRun(run, folder, flags.note);
      write(`${folder}: ${files.join(", ")}`);
    });

  program
    .command("cancel")
    .description("Stop a running run; it saves a checkpoint first.")
    .argument("<run>")
    .action(async (dir: string) => {
      write(`${dir}: ${await cancelRun(dir)}`);
    });

  return program;
}

/** Runs the CLI and returns the exit code. Mistakes in the input print one clear message, not a stack trace. */
export async function main(
  argv: readonly string[],
  write = (s: string) => {
    process.stderr.write(`${s}\n`);
  },
  print = (s: string) => {
    process.stdout.write(`${s}\n`);
  },
): Promise<number> {
  let code: number = EXIT.done;
  const program = buildProgram(write, print, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof ConfigError) {
      write(`invalid config:\n${error.message.replace(/^/gm, "  ")}`);
      return EXIT.usage;
    }
    if (error instanceof RunExistsError || error instanceof RunNotFoundError) {
      write(error.message);
      return EXIT.usage;
    }
    const commanderCode = (error as { code?: string }).code;
    if (typeof commanderCode === "string" && commanderCode.startsWith("commander.")) {
      return commanderCode === "commander.helpDisplayed" || commanderCode === "commander.version"
        ? EXIT.done
        : EXIT.usage;
    }
    // Our range checks throw RangeErrors that say what a field "must be": bad input found past parsing, so the
    // message is the answer. (V8's own RangeErrors — stack overflow, allocation — keep their stack below.)
    if (error instanceof RangeError && /\bmust (be|have|contain)\b/.test(error.message)) {
      write(error.message);
      return EXIT.usage;
    }
    write(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.failed;
  }
}
