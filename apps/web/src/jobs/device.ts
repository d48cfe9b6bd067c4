import fs from "node:fs/promises";
import { nvidiaDriverProblem } from "./cuda-host.ts";
import type { Device } from "./queues.ts";
import { trainerApi } from "./trainer-api.ts";

export interface CheckedDevice {
  readonly device: Device;
  readonly description: string;
}

/**
 * Makes sure this host can run the device's jobs before it takes any: a CUDA worker on a host without the CUDA
 * provider or without a usable GPU fails at start with what to do, instead of failing every job it takes.
 */
export async function checkDevice(device: Device): Promise<CheckedDevice> {
  if (device === "cpu") return { device, description: "CPU (onnxruntime-node)" };
  const advice =
    'install the CUDA provider with tooling/scripts/setup-cuda-worker.sh (apps/web README, "GPU workers") on a host with an NVIDIA GPU, or start this worker with WORKER_DEVICE=cpu';
  const { cudaProviderInstalled, loadInferenceModel } = await import("@diffusion-studio/models/node");
  if (!cudaProviderInstalled()) {
    throw new Error(`WORKER_DEVICE=cuda, but onnxruntime-node's CUDA provider is not installed here: ${advice}`);
  }
  const problem = nvidiaDriverProblem();
  if (problem) throw new Error(`WORKER_DEVICE=cuda, but ${problem}: ${advice}`);
  // Opening a small model on the CUDA provider is the one test that covers driver, libraries and a GPU.
  const { embeddedModels } = await trainerApi();
  const probe = embeddedModels()[0];
  if (!probe) throw new Error("WORKER_DEVICE=cuda: no embedded model to probe the GPU with");
  try {
    const model = await loadInferenceModel(new Uint8Array(await fs.readFile(probe.onnx)), { device: "cuda" });
    await model.dispose();
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new Error(`WORKER_DEVICE=cuda, but the CUDA provider cannot run here (${reason}): ${advice}`);
  }
  return { device, description: "CUDA (onnxruntime-node CUDA provider)" };
}
