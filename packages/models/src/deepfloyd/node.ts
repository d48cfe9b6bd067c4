/**
 * `loadDeepFloyd(dir)`: opens an IF export directory (`tooling/deepfloyd/export_if.py export --out DIR`) on
 * onnxruntime-node. Sessions are created from file paths, so models over 2 GB find their `*.onnx.data` by themselves.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as ort from "onnxruntime-node";
import { baseSessionOptions, cudaProviderInstalled, type NodeRuntimeOptions } from "../runtime/node-options.js";
import { EmbeddingStore } from "./embeddings.js";
import { readDeepFloydManifest } from "./files.js";
import { assembleDeepFloyd, checkMaxBatch, type DeepFloydModel } from "./model.js";
import type { OnnxSession, TensorFactory } from "./onnx-io.js";
import { createTextEncoder } from "./text-encoder.js";
import { DeepFloydFormatError } from "./validate.js";

export interface LoadDeepFloydOptions extends NodeRuntimeOptions {
  /** Which stages to open (default: every stage the manifest has). */
  readonly stages?: readonly ("stage1" | "stage2")[];
  /** Open the T5 encoder when the export has one (default true): free-text prompts. */
  readonly textEncoder?: boolean;
  /** Most rows per UNet run; larger batches (CFG × views × images) are split. Default: no limit. */
  readonly maxBatch?: number;
}

const nodeTensor: TensorFactory = (dtype, data, dims) => new ort.Tensor(dtype, data, dims);

function sessionOptions(options: NodeRuntimeOptions): ort.InferenceSession.SessionOptions {
  const { device, session } = baseSessionOptions(options);
  const cuda = device === "cuda" || (device === "auto" && cudaProviderInstalled());
  return { ...session, executionProviders: cuda ? ["cuda", "cpu"] : ["cpu"] };
}

async function openSession(path: string, options: ort.InferenceSession.SessionOptions): Promise<OnnxSession> {
  try {
    return await ort.InferenceSession.create(path, options);
  } catch (e) {
    throw new Error(`could not open ${path} with onnxruntime-node: ${(e as Error).message}`);
  }
}

/**
 * Opens a DeepFloyd IF export: stage I/II denoisers, the prompt-embedding store, the manifest and (when exported) the
 * T5 encoder for free text. Call `dispose()` when done.
 */
export async function loadDeepFloyd(dir: string, options: LoadDeepFloydOptions = {}): Promise<DeepFloydModel> {
  checkMaxBatch(options.maxBatch); // before any session is opened
  const root = resolve(dir);
  const manifest = readDeepFloydManifest(root);
  const opts = sessionOptions(options);
  const wanted = options.stages ?? ["stage1", "stage2"];
  for (const s of wanted) {
    if (s !== "stage1" && s !== "stage2")
      throw new RangeError(`\`stages\` entries must be "stage1" or "stage2" (got ${JSON.stringify(s)})`);
    if (options.stages && !manifest.stages[s]) throw new DeepFloydFormatError(`${root}: this export has no ${s}`);
  }
  const open = async (s: "stage1" | "stage2") => {
    const m = manifest.stages[s];
    return m && wanted.includes(s) ? openSession(join(root, m.onnx), opts) : undefined;
  };
  const embeddings = manifest.embeddings
    ? EmbeddingStore.fromBytes(
        new Uint8Array(readFileSync(join(root, manifest.embeddings.safetensors))),
        JSON.parse(readFileSync(join(root, manifest.embeddings.index), "utf8")),
        { shape: manifest.embeddings.shape, source: join(root, manifest.embeddings.safetensors) },
      )
    : null;
  const te = manifest.textEncoder;
  const textEncoder =
    te && options.textEncoder !== false
      ? createTextEncoder({
          manifest: te,
          tokenizerJson: JSON.parse(readFileSync(join(root, te.tokenizer), "utf8")),
          session: await openSession(join(root, te.onnx), opts),
          tensor: nodeTensor,
        })
      : null;
  return assembleDeepFloyd({
    manifest,
    tensor: nodeTensor,
    stage1: await open("stage1"),
    stage2: await open("stage2"),
    embeddings,
    textEncoder,
    maxBatch: options.maxBatch,
  });
}
