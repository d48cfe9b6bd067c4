/** A loaded eval-mode model: one session (symbolic batch) plus the model card read from the ONNX metadata. */
import { readOnnxMetadata } from "../graph/serialize.js";
import { CARD_METADATA_KEY } from "../graphs.js";
import { assertModelKind, IMAGE_SHAPE, type ModelCard, NUM_CLASSES } from "../nn/kinds.js";
import { batchOf, type InferenceSession, type Runtime } from "./runtime.js";

const IMAGE_SIZE = IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * IMAGE_SHAPE[2];

export interface ModelInputs {
  /** [B, 1, 28, 28] */
  readonly x: Float32Array;
  /** [B] values fed to the network as-is (flow time, or t / T for DDPM kinds) */
  readonly t?: Float32Array;
  /** [B, 10] class vectors (zero row = unconditional) */
  readonly c?: Float32Array;
}

/** What the Denoiser adapter needs from a model (anything with a card and a batched run). */
export interface RunnableModel {
  readonly card: ModelCard;
  run(inputs: ModelInputs): Promise<Float32Array>;
}

export function readModelCard(onnx: Uint8Array): ModelCard {
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxMetadata(onnx);
  } catch (error) {
    throw new Error(`\`onnx\` is not an ONNX model (${error instanceof Error ? error.message : String(error)})`);
  }
  const json = metadata[CARD_METADATA_KEY];
  if (!json) throw new Error(`ONNX model has no \`${CARD_METADATA_KEY}\` metadata; export it with buildInferenceGraph`);
  let card: ModelCard;
  try {
    card = JSON.parse(json) as ModelCard;
  } catch {
    throw new Error(`the ONNX model's \`${CARD_METADATA_KEY}\` metadata is not JSON`);
  }
  assertModelKind(card.kind);
  if (!Array.isArray(card.inputs) || !card.inputs.every((i) => i === "x" || i === "t" || i === "c")) {
    throw new Error(`the model card's \`inputs\` must list "x", "t" and/or "c" (got ${JSON.stringify(card.inputs)})`);
  }
  return card;
}

export class InferenceModel implements RunnableModel {
  private constructor(
    readonly card: ModelCard,
    private readonly session: InferenceSession,
    private readonly runtime: Runtime,
  ) {}

  static async load(runtime: Runtime, onnx: Uint8Array): Promise<InferenceModel> {
    const card = readModelCard(onnx);
    return new InferenceModel(card, await runtime.createSession(onnx), runtime);
  }

  async run(inputs: ModelInputs): Promise<Float32Array> {
    const out = await this.session.run(this.feeds(inputs));
    return out.y!.data as Float32Array;
  }

  /** The output and the classifier's penultimate activations ([batch, card.featureSize]) from one run. */
  async runWithFeatures(inputs: ModelInputs): Promise<{ y: Float32Array; features: Float32Array }> {
    if (!this.card.featureSize) {
      throw new Error(`this ${this.card.kind} model has no \`features\` output (only classifier exports have one)`);
    }
    const out = await this.session.run(this.feeds(inputs));
    return { y: out.y!.data as Float32Array, features: out.features!.data as Float32Array };
  }

  private feeds(inputs: ModelInputs): Record<string, ReturnType<Runtime["tensor"]>> {
    const batch = batchOf("x", inputs.x, IMAGE_SIZE);
    const feeds: Record<string, ReturnType<Runtime["tensor"]>> = {
      x: this.runtime.tensor(inputs.x, [batch, ...IMAGE_SHAPE]),
    };
    if (this.card.inputs.includes("t")) {
      batchOf("t", inputs.t, 1, batch);
      feeds.t = this.runtime.tensor(inputs.t!, [batch, 1]);
    }
    if (this.card.inputs.includes("c")) {
      batchOf("c", inputs.c, NUM_CLASSES, batch);
      feeds.c = this.runtime.tensor(inputs.c!, [batch, NUM_CLASSES]);
    }
    return feeds;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
