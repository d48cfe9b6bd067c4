/**
 * From a model kind to ONNX graphs: the training step (forward, loss, backward, Adam) and the eval-mode inference
 * graph, plus parameter descriptions and PyTorch-default initial weights.
 */
import { mulberry32 } from "@diffusion-studio/core";
import { ADAM_DEFAULTS, type AdamOptions, adamUpdates } from "./graph/adam.js";
import { backward } from "./graph/autodiff.js";
import { GraphBuilder, type SymTensor } from "./graph/builder.js";
import { serializeGraph } from "./graph/serialize.js";
import { type NamedTensors, NetContext, type ParamSpec } from "./nn/context.js";
import {
  buildNetwork,
  type CardOptions,
  IMAGE_SHAPE,
  type ModelCard,
  type ModelKind,
  modelCard,
  NUM_CLASSES,
} from "./nn/kinds.js";
import { crossEntropyLoss, mseLoss } from "./ops/loss.js";

/** Checkpoint / state names of the Adam moments of parameter `name` (PyTorch's optimizer state keys). */
export const expAvgName = (name: string) => `optimizer.exp_avg.${name}`;
export const expAvgSqName = (name: string) => `optimizer.exp_avg_sq.${name}`;
/** Training-graph output that carries the next value of state input `name`. */
export const nextName = (name: string) => `next.${name}`;

export interface ModelDescription {
  readonly card: ModelCard;
  readonly params: readonly ParamSpec[];
  readonly buffers: readonly ParamSpec[];
  readonly parameterCount: number;
}

export function describeModel(kind: ModelKind, D: number): ModelDescription {
  const card = modelCard(kind, D);
  const ctx = new NetContext(new GraphBuilder(), { weights: "inputs", batchNorm: "eval" });
  buildNetwork(ctx, kind, D, 1);
  const parameterCount = ctx.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  return { card, params: ctx.params, buffers: ctx.buffers, parameterCount };
}

/** PyTorch-default initial parameters and BN buffers, drawn from a seeded mulberry32 stream in declaration order. */
export function initWeights(kind: ModelKind, D: number, seed: number): Map<string, Float32Array> {
  const { params, buffers } = describeModel(kind, D);
  const random = mulberry32(seed);
  const out = new Map<string, Float32Array>();
  for (const spec of [...params, ...buffers]) {
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.init.kind === "const") data.fill(spec.init.value);
    else {
      const bound = 1 / Math.sqrt(spec.init.fanIn);
      for (let i = 0; i < data.length; i++) data[i] = (2 * random() - 1) * bound;
    }
    out.set(spec.name, data);
  }
  return out;
}

export interface TrainingGraphOptions {
  readonly kind: ModelKind;
  readonly D: number;
  readonly batchSize: number;
  readonly adam?: AdamOptions;
}

export interface TrainingGraph {
  readonly bytes: Uint8Array;
  readonly card: ModelCard;
  readonly batchSize: number;
  /** Batch inputs: `x`, `t`, `c` as the kind needs, and `target`. */
  readonly batchInputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly params: readonly ParamSpec[];
  readonly buffers: readonly ParamSpec[];
  /** Every state input (params, Adam moments, BN buffers); output `nextName(name)` carries its next value. */
  readonly stateNames: readonly string[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

function assertBatch(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 2 || batchSize > 4096) {
    throw new Error(`\`batchSize\` must be an integer in [2, 4096] (BatchNorm needs 2); got ${batchSize}`);
  }
}

/**
 * (batch, params, Adam moments, BN running stats, lr, step) → (loss, next params, next moments, next running stats).
 * `lr` and `step` are float scalars; `step` counts from 1 like PyTorch's.
 */
export function buildTrainingGraph({ kind, D, batchSize, adam = ADAM_DEFAULTS }: TrainingGraphOptions): TrainingGraph {
  assertBatch(batchSize);
  const card = modelCard(kind, D);
  const b = new GraphBuilder();
  const ctx = new NetContext(b, { weights: "inputs", batchNorm: "train" });
  const output = buildNetwork(ctx, kind, D, batchSize);
  const targetShape = kind === "classifier" ? [batchSize, NUM_CLASSES] : [batchSize, ...IMAGE_SHAPE];
  const target = b.input("target", targetShape);
  const lr = b.input("lr", []);
  const step = b.input("step", []);
  const loss = kind === "classifier" ? crossEntropyLoss(b, output, target) : mseLoss(b, output, target);

  const grads = backward(b, loss, ctx.paramTensors);
  const states = ctx.paramTensors.map((param) => ({
    param,
    grad: grads.get(param.name)!,
    m: b.input(expAvgName(param.name), param.shape),
    v: b.input(expAvgSqName(param.name), param.shape),
  }));
  const updates = adamUpdates(b, states, lr, step, adam);

  b.output(loss, "loss");
  const stateNames: string[] = [];
  states.forEach((s, i) => {
    const u = updates[i]!;
    b.output(u.param, nextName(s.param.name));
    b.output(u.m, nextName(s.m.name));
    b.output(u.v, nextName(s.v.name));
    stateNames.push(s.param.name, s.m.name, s.v.name);
  });
  for (const u of ctx.bufferUpdates) {
    b.output(u.value, nextName(u.name));
    stateNames.push(u.name);
  }
  const batchInputs = b.inputs
    .filter((t) => ["x", "t", "c", "target"].includes(t.name))
    .map((t) => ({ name: t.name, shape: t.shape }));
  return {
    bytes: serializeGraph(b, {
      graphName: `${kind}-train`,
      metadata: { "diffusion-studio.card": JSON.stringify(card) },
    }),
    card,
    batchSize,
    batchInputs,
    params: ctx.params,
    buffers: ctx.buffers,
    stateNames,
    inputNames: b.inputs.map((t) => t.name),
    outputNames: b.outputs.map((t) => t.name),
  };
}

export const CARD_METADATA_KEY = "diffusion-studio.card";

/**
 * Eval-mode inference graph with weights (parameters and BN running stats) as initializers and a symbolic batch
 * dimension. Inputs per `card.inputs`; output `y` (and `features` for the classifier). The card is stored in the
 * model's metadata.
 */
export function buildInferenceGraph(
  kind: ModelKind,
  D: number,
  weights: NamedTensors,
  cardOptions: CardOptions = {},
): Uint8Array {
  const card = modelCard(kind, D, cardOptions);
  const b = new GraphBuilder();
  b.symbolicBatch = true;
  const ctx = new NetContext(b, { weights: "initializers", batchNorm: "eval", values: weights });
  let features: SymTensor | undefined;
  b.output(
    buildNetwork(ctx, kind, D, 1, (f) => {
      features = f;
    }),
    "y",
  );
  if (features) b.output(features, "features");
  return serializeGraph(b, { graphName: `${kind}-inference`, metadata: { [CARD_METADATA_KEY]: JSON.stringify(card) } });
}

export interface EvaluationGraph {
  readonly bytes: Uint8Array;
  readonly batchSize: number;
  /** `x`, `t`, `c` as the kind needs, and `target`. */
  readonly batchInputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  /** Parameters and BN buffers, fed as inputs under their PyTorch names. */
  readonly weightNames: readonly string[];
}

/**
 * Eval-mode forward pass and loss with the weights as graph inputs, so a trainer can evaluate its current state
 * (validation loss, sample grids) without exporting: (batch, target, weights) → (loss, y).
 */
export function buildEvaluationGraph({ kind, D, batchSize }: Omit<TrainingGraphOptions, "adam">): EvaluationGraph {
  assertBatch(batchSize);
  const b = new GraphBuilder();
  const ctx = new NetContext(b, { weights: "inputs", batchNorm: "eval" });
  const output = buildNetwork(ctx, kind, D, batchSize);
  const targetShape = kind === "classifier" ? [batchSize, NUM_CLASSES] : [batchSize, ...IMAGE_SHAPE];
  const target = b.input("target", targetShape);
  b.output(kind === "classifier" ? crossEntropyLoss(b, output, target) : mseLoss(b, output, target), "loss");
  b.output(output, "y");
  return {
    bytes: serializeGraph(b, { graphName: `${kind}-eval` }),
    batchSize,
    batchInputs: b.inputs
      .filter((t) => ["x", "t", "c", "target"].includes(t.name))
      .map((t) => ({ name: t.name, shape: t.shape })),
    weightNames: [...ctx.params, ...ctx.buffers].map((p) => p.name),
  };
}
