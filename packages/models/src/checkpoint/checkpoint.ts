/**
 * Training checkpoints as safetensors: parameters and BN running stats under their PyTorch state_dict names, Adam
 * moments as `optimizer.exp_avg.<name>` / `optimizer.exp_avg_sq.<name>`, and the step, lr, kind, D and Adam settings
 * in `__metadata__`. Resuming from one reproduces the uninterrupted run exactly.
 */
import { type AdamOptions, assertAdam } from "../graph/adam.js";
import { assertModelKind, type ModelKind } from "../nn/kinds.js";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";

export const CHECKPOINT_FORMAT = "diffusion-studio.checkpoint/1";

export interface Checkpoint {
  readonly kind: ModelKind;
  readonly D: number;
  /** Adam steps taken so far. */
  readonly step: number;
  readonly lr: number;
  readonly adam: AdamOptions;
  /** Every state tensor: params, BN buffers and Adam moments, by name. */
  readonly tensors: ReadonlyMap<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;
  /** Extra string metadata (e.g. run id, epoch). */
  readonly extra?: Readonly<Record<string, string>>;
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  return encodeSafetensors(c.tensors, {
    ...c.extra,
    format: CHECKPOINT_FORMAT,
    kind: c.kind,
    D: String(c.D),
    step: String(c.step),
    lr: String(c.lr),
    adam: JSON.stringify(c.adam),
  });
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const { format, kind, D, step, lr, adam, ...extra } = metadata;
  if (format !== CHECKPOINT_FORMAT) {
    throw new Error(`checkpoint: \`format\` is "${format}", expected "${CHECKPOINT_FORMAT}"`);
  }
  assertModelKind(kind ?? "");
  const width = Number(D);
  if (!Number.isInteger(width) || width < 1)
    throw new RangeError(`checkpoint: \`D\` must be a positive integer; got ${D}`);
  const steps = Number(step);
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`checkpoint: \`step\` must be a non-negative integer; got ${step}`);
  }
  const rate = Number(lr);
  if (!Number.isFinite(rate) || rate < 0)
    throw new RangeError(`checkpoint: \`lr\` must be a finite number ≥ 0; got ${lr}`);
  let settings: AdamOptions;
  try {
    settings = JSON.parse(adam ?? "") as AdamOptions;
  } catch {
    throw new Error(`checkpoint: \`adam\` is not JSON; got ${adam}`);
  }
  assertAdam(settings, "checkpoint: ");
  return { kind: kind as ModelKind, D: width, step: steps, lr: rate, adam: settings, tensors, extra };
}
