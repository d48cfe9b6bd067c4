/**
 * GPU workers (README "GPU workers"): a `WORKER_DEVICE=cuda` worker on a host that cannot run CUDA stops at start with
 * what to do, and tooling/scripts/setup-cuda-worker.sh plans its work without downloading anything.
 */
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { cudaProviderInstalled } from "@diffusion-studio/models/node";
import { describe, expect, it } from "vitest";
import { nvidiaDriverProblem } from "@/jobs/cuda-host";

const run = promisify(execFile);
const webDir = path.resolve(import.meta.dirname, "../..");
const repoDir = path.resolve(webDir, "../..");
const script = path.join(repoDir, "tooling/scripts/setup-cuda-worker.sh");

/** Exit code and output of a command that may fail. */
async function outcome(file: string, args: string[], env: NodeJS.ProcessEnv, cwd = webDir) {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const canRunCuda = cudaProviderInstalled() && nvidiaDriverProblem() === undefined;
const hasPip = spawnSync("python3", ["-m", "pip", "--version"], { stdio: "ignore" }).status === 0;

describe("a CUDA worker on a host without a usable GPU", () => {
  it.skipIf(canRunCuda)("exits 1 at start, before the database, naming the set-up script", async () => {
    // Port 1 refuses connections: had the worker got past the device check, the error would be the database's.
    const { code, stderr } = await outcome(process.execPath, ["dist/worker/cli.js"], {
      ...process.env,
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      WORKER_DEVICE: "cuda",
      WORKER_DATA_DIR: path.join(os.tmpdir(), `gpu-worker-test-${process.pid}`),
    });
    expect(code).toBe(1);
    const message = stderr.split("\n").find((line) => line.startsWith("worker: ")) ?? stderr;
    // With the provider placed, the reason is the driver or GPU (nvidiaDriverProblem) or the failed CUDA probe.
    expect(message).toMatch(
      cudaProviderInstalled()
        ? /^worker: WORKER_DEVICE=cuda, but (the CUDA provider cannot run here \(|the NVIDIA driver is not installed|no NVIDIA GPU)/
        : /^worker: WORKER_DEVICE=cuda, but onnxruntime-node's CUDA provider is not installed here: /,
    );
    expect(message).toContain('tooling/scripts/setup-cuda-worker.sh (apps/web README, "GPU workers")');
    expect(message).toContain("or start this worker with WORKER_DEVICE=cpu");
    expect(stderr).not.toMatch(/ECONNREFUSED|database/i);
  });
});

describe("setup-cuda-worker.sh", () => {
  const version = JSON.parse(
    fs.readFileSync(
      path.join(
        path.dirname(
          path.dirname(
            fs.realpathSync(
              createRequire(path.join(repoDir, "packages/models/package.json")).resolve("onnxruntime-node"),
            ),
          ),
        ),
        "package.json",
      ),
      "utf8",
    ),
  ).version as string;

  it.skipIf(process.platform !== "linux" || process.arch !== "x64" || !hasPip)(
    "--dry-run prints the plan for onnxruntime-node's version and downloads nothing",
    async () => {
      // An empty cache: the plan must not need it (or the network) and must not create it.
      const cache = path.join(os.tmpdir(), `cuda-wheel-cache-test-${process.pid}`);
      const { code, stdout } = await outcome(
        "bash",
        [script, "--dry-run"],
        { ...process.env, CUDA_WHEEL_CACHE: cache },
        repoDir,
      );
      expect(code).toBe(0);
      expect(stdout).toContain("plan (nothing is downloaded or changed):");
      expect(stdout).toContain(`onnxruntime-node ${version}, binding in `);
      expect(stdout).toContain(`pip download --no-deps --only-binary=:all: onnxruntime-gpu==${version}`);
      expect(stdout).toContain(`wheel cache: ${cache}`);
      expect(stdout).toMatch(
        /libonnxruntime_providers_cuda\.so, libonnxruntime_providers_shared\.so in \/.*\/bin\/napi-v6\/linux\/x64\n/,
      );
      expect(stdout).toContain("set the provider's RUNPATH to $ORIGIN/cuda");
      expect(stdout).toContain("everything resolves except libcuda.so.1");
      expect(fs.existsSync(cache)).toBe(false);
    },
  );

  it("refuses an unknown argument", async () => {
    const { code, stderr } = await outcome("bash", [script, "--frobnicate"], process.env, repoDir);
    expect(code).toBe(1);
    expect(stderr).toContain("setup-cuda-worker: error: unknown argument '--frobnicate' (try --help)");
  });
});
