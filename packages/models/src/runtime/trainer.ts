/**
 * Holds the training state as runtime tensors (params, Adam moments, BN running stats) and runs one training-step
 * graph per `step`. The tensors a step returns are the next step's inputs as they are: no copies.
 */
import { decodeCheckpoint, encodeCheckpoint } from "../checkpoint/checkpoint.js";
import { ADAM_DEFAULTS, type AdamOptions, assertAdam } from "../graph/adam.js";
import {
  buildEvaluationGraph,
  buildInferenceGraph,
  buildTrainingGraph,
  type EvaluationGraph,
  expAvgName,
  expAvgSqName,
  initWeights,
  nextName,
  type TrainingGraph,
} from "../graphs.js";
import type { NamedTensors } from "../nn/context.js";
import {
  assertModelKind,
  assertWidth,
  type CardOptions,
  IMAGE_SHAPE,
  type ModelCard,
  type ModelKind,
} from "../nn/kinds.js";
import { assertFinite, batchOf, type InferenceSession, type Runtime, type Tensor } from "./runtime.js";

export interface TrainerOptions {
  readonly kind: ModelKind;
  /** UNet width (classifier: first conv width). */
  readonly D: number;
  /** The batch size of the first session; other sizes get their own cached session on first use. */
  readonly batchSize: number;
  /** Seed of the PyTorch-default initialization (ignored when resuming). Default 0. */
  readonly seed?: number;
  /** Initial learning rate. Default 1e-3. */
  readonly lr?: number;
  /** Adam's β1, β2 and eps (default PyTorch's; when resuming, the checkpoint's). */
  readonly adam?: AdamOptions;
  /** Resume from `saveCheckpoint()` bytes (kind and D must match). */
  readonly checkpoint?: Uint8Array;
  /** Start from these parameters and BN buffers (e.g. PyTorch weights) instead of a seeded init. */
  readonly initialWeights?: NamedTensors;
}

export interface TrainingBatch {
  /** [B, 1, 28, 28] network input (x_t, a noisy image, or an image for the classifier) */
  readonly x: Float32Array;
  /** [B] time fed to the network (flow t in [0, 1], or t/T for DDPM kinds) */
  readonly t?: Float32Array;
  /** [B, 10] class vectors, zero rows = unconditional */
  readonly c?: Float32Array;
  /** [B, 1, 28, 28] regression target, or [B, 10] one-hot labels for the classifier */
  readonly target: Float32Array;
}

export interface StepResult {
  readonly loss: number;
}

export interface EvaluationResult {
  /** The loss of the current weights on the batch, BatchNorm in eval mode (running statistics). */
  readonly loss: number;
  /** The network's output, [B, 1, 28, 28] (logits [B, 10] for the classifier). */
  readonly prediction: Float32Array;
}

interface CompiledStep {
  readonly graph: TrainingGraph;
  readonly session: InferenceSession;
}

const IMAGE_SIZE = IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * IMAGE_SHAPE[2];

function assertLr(lr: number): void {
  if (!Number.isFinite(lr) || lr < 0 || lr > 10) throw new RangeError(`\`lr\` must be a number in [0, 10]; got ${lr}`);
}

/** A training step diverged: its loss was NaN or infinite, so its update was dropped. */
export class NonFiniteLossError extends Error {
  override name = "NonFiniteLossError";
}

export class Trainer {
  readonly kind: ModelKind;
  readonly D: number;
  readonly batchSize: number;
  readonly adam: AdamOptions;
  readonly card: ModelCard;
  private lrValue: number;
  private steps: number;
  private readonly state = new Map<string, Tensor>();
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly sessions = new Map<number, Promise<CompiledStep>>();
  private readonly evaluations = new Map<number, Promise<{ graph: EvaluationGraph; session: InferenceSession }>>();
  private readonly first: CompiledStep;

  private constructor(
    private readonly runtime: Runtime,
    options: TrainerOptions,
    first: CompiledStep,
    values: NamedTensors,
    step: number,
    lr: number,
  ) {
    this.kind = options.kind;
    this.D = options.D;
    this.batchSize = options.batchSize;
    this.adam = options.adam ?? ADAM_DEFAULTS;
    this.card = first.graph.card;
    this.first = first;
    this.sessions.set(options.batchSize, Promise.resolve(first));
    this.steps = step;
    this.lrValue = lr;
    for (const spec of [...first.graph.params, ...first.graph.buffers]) {
      this.shapes.set(spec.name, spec.shape);
      if (first.graph.params.includes(spec)) {
        this.shapes.set(expAvgName(spec.name), spec.shape);
        this.shapes.set(expAvgSqName(spec.name), spec.shape);
      }
    }
    for (const name of first.graph.stateNames) {
      const shape = this.shapes.get(name)!;
      const size = shape.reduce((a, b) => a * b, 1);
      const value = values.get(name) ?? (name.startsWith("optimizer.") ? new Float32Array(size) : undefined);
      if (!value) throw new Error(`initial state has no tensor \`${name}\``);
      if (value.length !== size)
        throw new Error(`state tensor \`${name}\` has ${value.length} values, expected ${size}`);
      this.state.set(name, runtime.tensor(value.slice(), shape));
    }
  }

  static async create(runtime: Runtime, requested: TrainerOptions): Promise<Trainer> {
    assertModelKind(requested.kind);
    assertWidth(requested.D);
    if (requested.adam) assertAdam(requested.adam);
    let options = requested;
    let values: NamedTensors;
    let step = 0;
    let lr = options.lr ?? 1e-3;
    assertLr(lr);
    if (options.checkpoint) {
      const ckpt = decodeCheckpoint(options.checkpoint);
      if (ckpt.kind !== options.kind || ckpt.D !== options.D) {
        throw new Error(
          `checkpoint is ${ckpt.kind} D=${ckpt.D}; the trainer was asked for ${options.kind} D=${options.D}`,
        );
      }
      values = new Map([...ckpt.tensors].map(([k, v]) => [k, v.data]));
      step = ckpt.step;
      lr = options.lr ?? ckpt.lr;
      // Resuming exactly means resuming with the Adam settings the moments were made with.
      options = { ...options, adam: options.adam ?? ckpt.adam };
    } else {
      values = options.initialWeights ?? initWeights(options.kind, options.D, options.seed ?? 0);
    }
    const first = await compile(runtime, options, options.batchSize);
    return new Trainer(runtime, options, first, values, step, lr);
  }

  /** The learning rate fed to the next step (a graph input: change it between any two steps). */
  get lr(): number {
    return this.lrValue;
  }

  set lr(value: number) {
    assertLr(value);
    this.lrValue = value;
  }

  /** Adam steps taken (PyTorch's `state["step"]`). */
  get stepCount(): number {
    return this.steps;
  }

  private assertLive(): void {
    if (this.state.size === 0)
      throw new Error("this Trainer was disposed; create a new one (or resume from a checkpoint)");
  }

  private compiled(batch: number): Promise<CompiledStep> {
    let c = this.sessions.get(batch);
    if (!c) {
      c = compile(this.runtime, { kind: this.kind, D: this.D, batchSize: batch, adam: this.adam }, batch);
      this.sessions.set(batch, c);
    }
    return c;
  }

  /**
   * One training step on a batch; returns the loss before the update. Non-finite inputs are refused, and a step whose
   * loss is not finite is not applied (the state stays that of the previous step), so that no NaN reaches a checkpoint.
   */
  async step(batch: TrainingBatch): Promise<StepResult> {
    this.assertLive();
    const b = batchOf("x", batch.x, IMAGE_SIZE);
    const { graph, session } = await this.compiled(b);
    const feeds: Record<string, Tensor> = {};
    for (const input of graph.batchInputs) {
      const data = batch[input.name as keyof TrainingBatch];
      const perItem = input.shape.slice(1).reduce((p, q) => p * q, 1);
      batchOf(input.name, data, perItem, b);
      assertFinite(input.name, data!);
      feeds[input.name] = this.runtime.tensor(data!, input.shape);
    }
    const next = this.steps + 1;
    feeds.lr = this.runtime.tensor(new Float32Array([this.lrValue]), []);
    feeds.step = this.runtime.tensor(new Float32Array([next]), []);
    for (const [name, tensor] of this.state) feeds[name] = tensor;
    const out = await session.run(feeds);
    const loss = (out.loss!.data as Float32Array)[0]!;
    if (!Number.isFinite(loss)) {
      throw new NonFiniteLossError(
        `the loss is ${loss} at step ${next}: the update was not applied (the weights are those of step ${this.steps}); ` +
          `the run diverged at lr ${this.lrValue}; a run with a lower \`lr\` may not`,
      );
    }
    for (const name of graph.stateNames) this.state.set(name, out[nextName(name)]!);
    this.steps = next;
    return { loss };
  }

  /**
   * Eval-mode loss and output of the current weights on a batch, without changing any state (validation loss, sample
   * grids during training). `target` may be zeros when only the prediction is wanted.
   */
  async evaluate(batch: TrainingBatch): Promise<EvaluationResult> {
    this.assertLive();
    const b = batchOf("x", batch.x, IMAGE_SIZE);
    let evaluation = this.evaluations.get(b);
    if (!evaluation) {
      const graph = buildEvaluationGraph({ kind: this.kind, D: this.D, batchSize: b });
      evaluation = this.runtime.createSession(graph.bytes).then((session) => ({ graph, session }));
      this.evaluations.set(b, evaluation);
    }
    const { graph, session } = await evaluation;
    const feeds: Record<string, Tensor> = {};
    for (const input of graph.batchInputs) {
      const data = batch[input.name as keyof TrainingBatch];
      batchOf(
        input.name,
        data,
        input.shape.slice(1).reduce((p, q) => p * q, 1),
        b,
      );
      feeds[input.name] = this.runtime.tensor(data!, input.shape);
    }
    for (const name of graph.weightNames) feeds[name] = this.state.get(name)!;
    const out = await session.run(feeds);
    return { loss: (out.loss!.data as Float32Array)[0]!, prediction: out.y!.data as Float32Array };
  }

  /** Current parameters and BN buffers by PyTorch name (views of the state; copy before the next step to keep). */
  weights(): Map<string, Float32Array> {
    this.assertLive();
    const out = new Map<string, Float32Array>();
    for (const spec of [...this.first.graph.params, ...this.first.graph.buffers]) {
      out.set(spec.name, this.state.get(spec.name)!.data as Float32Array);
    }
    return out;
  }

  /** Every state tensor (weights and Adam moments) by checkpoint name. */
  stateTensors(): Map<string, Float32Array> {
    this.assertLive();
    return new Map([...this.state].map(([k, t]) => [k, t.data as Float32Array]));
  }

  saveCheckpoint(extra?: Record<string, string>): Uint8Array {
    this.assertLive();
    const tensors = new Map(
      [...this.state].map(([k, t]) => [k, { shape: this.shapes.get(k)!, data: t.data as Float32Array }]),
    );
    return encodeCheckpoint({
      kind: this.kind,
      D: this.D,
      step: this.steps,
      lr: this.lrValue,
      adam: this.adam,
      tensors,
      ...(extra ? { extra } : {}),
    });
  }

  /** Eval-mode inference ONNX with the current weights as initializers (card in the metadata). */
  exportInference(cardOptions: CardOptions = {}): Uint8Array {
    return buildInferenceGraph(this.kind, this.D, this.weights(), {
      ...cardOptions,
      extra: { step: this.steps, ...cardOptions.extra },
    });
  }

  /**
   * Drops the state and releases the evaluation sessions. Training sessions stay cached for other trainers:
   * `releaseCachedSessions(runtime)` frees them.
   */
  dispose(): void {
    this.state.clear();
    this.sessions.clear();
    for (const evaluation of this.evaluations.values())
      void evaluation.then(
        (e) => e.session.release(),
        () => undefined,
      );
    this.evaluations.clear();
  }
}

/** Sessions are cached per runtime and (kind, D, batch, Adam settings): creating one costs 0.2–0.9 s. */
const cache = new WeakMap<Runtime, Map<string, Promise<CompiledStep>>>();

function compile(runtime: Runtime, options: TrainerOptions, batchSize: number): Promise<CompiledStep> {
  const adam = options.adam ?? ADAM_DEFAULTS;
  const key = JSON.stringify([options.kind, options.D, batchSize, adam]);
  let perRuntime = cache.get(runtime);
  if (!perRuntime) {
    perRuntime = new Map();
    cache.set(runtime, perRuntime);
  }
  let compiled = perRuntime.get(key);
  if (!compiled) {
    compiled = (async () => {
      const graph = buildTrainingGraph({ kind: options.kind, D: options.D, batchSize, adam });
      return { graph, session: await runtime.createSession(graph.bytes) };
    })();
    perRuntime.set(key, compiled);
    compiled.catch(() => perRuntime.delete(key));
  }
  return compiled;
}

/** Releases every cached training session of `runtime`. */
export async function releaseCachedSessions(runtime: Runtime): Promise<void> {
  const perRuntime = cache.get(runtime);
  if (!perRuntime) return;
  cache.delete(runtime);
  const compiled = await Promise.allSettled(perRuntime.values());
  await Promise.all(compiled.map((c) => (c.status === "fulfilled" ? c.value.session.release() : undefined)));
}
