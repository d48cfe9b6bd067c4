/**
 * The PyTorch side of the training bench: `tooling/torch-fixtures/bench_torch.py --serve` kept running, one training
 * step per request, so that the bench can alternate PyTorch and ORT steps.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const torchDir = `${repoRoot}tooling/torch-fixtures/`;

/** Where a Python with torch is looked for, in order. */
export const PYTHON_CANDIDATES = [process.env.BENCH_PYTHON, `${repoRoot}.venv/bin/python`, "python3"].filter(
  (p): p is string => Boolean(p),
);

/** The first candidate that can `import torch`, or null (also when BENCH_PYTHON is `none`: ORT only). */
export function pythonWithTorch(): string | null {
  if (process.env.BENCH_PYTHON === "none") return null;
  for (const candidate of PYTHON_CANDIDATES) {
    if (candidate.startsWith("/") && !existsSync(candidate)) continue;
    try {
      execFileSync(candidate, ["-c", "import torch"], { stdio: "ignore" });
      return candidate;
    } catch {}
  }
  return null;
}

export class TorchStepper {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    private readonly replies: AsyncIterator<string>,
    readonly version: string,
  ) {}

  /** Starts PyTorch's flow-time UNet at width D and waits until it is built. */
  static async start(python: string, D: number, batch: number, threads: number): Promise<TorchStepper> {
    const child = spawn(python, ["bench_torch.py", "--serve", String(D), String(batch), String(threads)], {
      cwd: torchDir,
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const lines = createInterface({ input: child.stdout });
    const replies = lines[Symbol.asyncIterator]();
    const first = await replies.next();
    if (first.done) throw new Error(`bench_torch.py exited before it was ready:\n${stderr}`);
    return new TorchStepper(child, lines, replies, (JSON.parse(first.value) as { torch: string }).torch);
  }

  /** Runs one training step; its seconds as PyTorch measured them. */
  async step(): Promise<number> {
    this.child.stdin.write("step\n");
    const reply = await this.replies.next();
    if (reply.done) throw new Error("bench_torch.py exited during a step");
    return (JSON.parse(reply.value) as { seconds: number }).seconds;
  }

  close(): void {
    this.lines.close();
    this.child.stdin.end();
  }
}
