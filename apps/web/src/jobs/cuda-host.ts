import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/** Folders the dynamic loader searches for the NVIDIA driver's library, besides its cache (`ldconfig -p`). */
const DRIVER_DIRS = [
  "/usr/lib/x86_64-linux-gnu",
  "/usr/lib64",
  "/usr/lib",
  "/lib/x86_64-linux-gnu",
  "/usr/local/nvidia/lib64",
  "/usr/lib/wsl/lib",
];

/**
 * Why this host cannot run the CUDA provider whatever is installed in node_modules, or undefined when it might:
 * the NVIDIA driver (its `libcuda.so.1`, which no wheel carries) and a GPU device node. The CUDA provider assembled by
 * tooling/scripts/setup-cuda-worker.sh finds its own CUDA and cuDNN libraries (RUNPATH), so the driver is all that
 * the host itself has to provide.
 */
export function nvidiaDriverProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean), ...DRIVER_DIRS];
  let found = dirs.some((dir) => existsSync(path.join(dir, "libcuda.so.1")));
  for (const ldconfig of ["ldconfig", "/sbin/ldconfig"]) {
    if (found) break;
    try {
      const cache = execFileSync(ldconfig, ["-p"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      found = /\blibcuda\.so\.1\b/.test(cache);
      break;
    } catch {
      // not there: try the next, else the folders above are all we know
    }
  }
  if (!found) return "the NVIDIA driver is not installed on this host (no libcuda.so.1)";
  if (!existsSync("/dev/nvidiactl") && !existsSync("/dev/dxg")) {
    return "no NVIDIA GPU is visible to this process (no /dev/nvidiactl; in a container, pass the GPU through)";
  }
  return undefined;
}
