/**
 * Where a network's parameters and BatchNorm statistics come from, so one model definition yields the training graph
 * (weights as inputs, train-mode BN whose new running stats are outputs) and the inference graph (weights as
 * initializers, eval-mode BN).
 */
import type { GraphBuilder, SymTensor } from "../graph/builder.js";
import { gelu } from "../ops/elementwise.js";
import { BATCH_NORM_DEFAULTS, batchNorm2dEval, batchNorm2dTrain } from "../ops/norm.js";

/** How a parameter is initialized (PyTorch defaults): U(−1/√fanIn, 1/√fanIn), or a constant. */
export type ParamInit =
  | { readonly kind: "uniform"; readonly fanIn: number }
  | { readonly kind: "const"; readonly value: number };

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: ParamInit;
}

/** A named float tensor (weights, buffers, optimizer moments). */
export type NamedTensors = ReadonlyMap<string, Float32Array>;

export interface NetContextOptions {
  /** "inputs": weights are graph inputs (training); "initializers": weights are baked into the graph. */
  readonly weights: "inputs" | "initializers";
  readonly batchNorm: "train" | "eval";
  /** Values for "initializers" mode, by PyTorch name (parameters and BN buffers). */
  readonly values?: NamedTensors;
}

export interface BufferUpdate {
  readonly name: string;
  readonly value: SymTensor;
}

export class NetContext {
  readonly params: ParamSpec[] = [];
  readonly buffers: ParamSpec[] = [];
  readonly paramTensors: SymTensor[] = [];
  readonly bufferTensors: SymTensor[] = [];
  readonly bufferUpdates: BufferUpdate[] = [];

  constructor(
    readonly b: GraphBuilder,
    private readonly options: NetContextOptions,
  ) {}

  private tensor(spec: ParamSpec): SymTensor {
    if (this.options.weights === "inputs") return this.b.input(spec.name, spec.shape);
    const value = this.options.values?.get(spec.name);
    if (!value) throw new Error(`no value for weight \`${spec.name}\``);
    return this.b.initializer(spec.name, spec.shape, value);
  }

  param(name: string, shape: readonly number[], init: ParamInit): SymTensor {
    const spec = { name, shape, init };
    this.params.push(spec);
    const t = this.tensor(spec);
    this.paramTensors.push(t);
    return t;
  }

  private buffer(name: string, shape: readonly number[], value: number): SymTensor {
    const spec: ParamSpec = { name, shape, init: { kind: "const", value } };
    this.buffers.push(spec);
    const t = this.tensor(spec);
    this.bufferTensors.push(t);
    return t;
  }

  /**
   * BatchNorm2d named like PyTorch's module `prefix` (weight, bias, running_mean, running_var); `withGelu` appends
   * GELU (fused with the BN in train mode: one full-size pass fewer).
   */
  batchNorm(prefix: string, x: SymTensor, withGelu = false): SymTensor {
    const c = x.shape[1]!;
    const weight = this.param(`${prefix}.weight`, [c], { kind: "const", value: 1 });
    const bias = this.param(`${prefix}.bias`, [c], { kind: "const", value: 0 });
    const mean = this.buffer(`${prefix}.running_mean`, [c], 0);
    const variance = this.buffer(`${prefix}.running_var`, [c], 1);
    if (this.options.batchNorm === "eval") {
      const y = batchNorm2dEval(this.b, x, weight, bias, mean, variance);
      return withGelu ? gelu(this.b, y) : y;
    }
    const r = batchNorm2dTrain(this.b, x, weight, bias, mean, variance, BATCH_NORM_DEFAULTS, withGelu);
    this.bufferUpdates.push(
      { name: mean.name, value: r.newRunningMean },
      { name: variance.name, value: r.newRunningVar },
    );
    return r.y;
  }
}
