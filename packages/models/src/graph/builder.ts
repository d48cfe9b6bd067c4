/**
 * A static-shape ONNX graph under construction. Every tensor has a known shape; op helpers in `ops/` compute output
 * shapes themselves and record a tape entry (the vector-Jacobian product) for `backward`.
 */

export type DType = "float32" | "int64";

/** A symbolic tensor: the name of a value in the graph plus its static shape. */
export interface SymTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export type AttrValue =
  | { readonly kind: "int"; readonly value: number }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "ints"; readonly value: readonly number[] }
  | { readonly kind: "string"; readonly value: string };

export const attrInt = (value: number): AttrValue => ({ kind: "int", value });
export const attrFloat = (value: number): AttrValue => ({ kind: "float", value });
export const attrInts = (value: readonly number[]): AttrValue => ({ kind: "ints", value });
export const attrString = (value: string): AttrValue => ({ kind: "string", value });

export interface GraphNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttrValue>>;
}

export interface Initializer {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: Float32Array | BigInt64Array;
}

/** Gradient of each input of an op given the gradient of its output; `null` where no gradient flows. */
export type Vjp = (gradOutput: SymTensor) => readonly (SymTensor | null)[];

export interface TapeEntry {
  readonly inputs: readonly SymTensor[];
  readonly output: SymTensor;
  readonly vjp: Vjp;
}

export const OPSET = 17;

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly inputs: SymTensor[] = [];
  readonly outputs: SymTensor[] = [];
  readonly initializers: Initializer[] = [];
  readonly tape: TapeEntry[] = [];
  /** Batch-size-free export: inputs and outputs get a symbolic first dimension. */
  symbolicBatch = false;
  private readonly names = new Set<string>();
  private readonly constantCache = new Map<string, SymTensor>();
  private counter = 0;

  /** A fresh value name based on `hint`. */
  fresh(hint: string): string {
    let name = `${hint}_${this.counter++}`;
    while (this.names.has(name)) name = `${hint}_${this.counter++}`;
    this.names.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`graph value name \`${name}\` is already used`);
    this.names.add(name);
  }

  input(name: string, shape: readonly number[], dtype: DType = "float32"): SymTensor {
    this.claim(name);
    const t: SymTensor = { name, shape: [...shape], dtype };
    this.inputs.push(t);
    return t;
  }

  /** Marks `t` as a graph output under `name` (an Identity node when the names differ). */
  output(t: SymTensor, name: string): SymTensor {
    if (t.name === name) {
      this.outputs.push(t);
      return t;
    }
    this.claim(name);
    this.nodes.push({ opType: "Identity", inputs: [t.name], outputs: [name], attributes: {} });
    const out: SymTensor = { name, shape: t.shape, dtype: t.dtype };
    this.outputs.push(out);
    return out;
  }

  initializer(name: string, shape: readonly number[], data: Float32Array | BigInt64Array): SymTensor {
    if (data.length !== numel(shape)) {
      throw new Error(`initializer \`${name}\`: ${data.length} values for shape [${shape.join(", ")}]`);
    }
    this.claim(name);
    return this.pushInitializer(name, shape, data);
  }

  private pushInitializer(name: string, shape: readonly number[], data: Float32Array | BigInt64Array): SymTensor {
    const dtype: DType = data instanceof BigInt64Array ? "int64" : "float32";
    this.initializers.push({ name, shape: [...shape], dtype, data });
    return { name, shape: [...shape], dtype };
  }

  /** A float constant, shared between uses with equal values. Scalars have shape []. */
  constant(values: readonly number[] | Float32Array, shape: readonly number[] = []): SymTensor {
    const key = `f${shape.join("x")}:${Array.from(values).join(",")}`;
    const cached = this.constantCache.get(key);
    if (cached) return cached;
    const t = this.pushInitializer(this.fresh("const"), shape, Float32Array.from(values));
    if (values.length <= 64) this.constantCache.set(key, t);
    return t;
  }

  scalar(value: number): SymTensor {
    return this.constant([value], []);
  }

  /** An int64 vector constant (axes, shapes, pads, slice bounds). */
  ints(values: readonly number[]): SymTensor {
    const key = `i:${values.join(",")}`;
    const cached = this.constantCache.get(key);
    if (cached) return cached;
    const t = this.pushInitializer(
      this.fresh("ints"),
      [values.length],
      BigInt64Array.from(values.map((v) => BigInt(v))),
    );
    this.constantCache.set(key, t);
    return t;
  }

  /** Emits one node with one output of the given shape. */
  node(
    opType: string,
    inputs: readonly (SymTensor | null)[],
    shape: readonly number[],
    attributes: Record<string, AttrValue> = {},
    dtype: DType = "float32",
  ): SymTensor {
    const [out] = this.nodeMulti(opType, inputs, [shape], attributes, dtype);
    return out!;
  }

  nodeMulti(
    opType: string,
    inputs: readonly (SymTensor | null)[],
    shapes: readonly (readonly number[])[],
    attributes: Record<string, AttrValue> = {},
    dtype: DType = "float32",
  ): SymTensor[] {
    const outs = shapes.map((shape) => ({ name: this.fresh(opType), shape: [...shape], dtype }));
    this.nodes.push({
      opType,
      inputs: inputs.map((t) => (t ? t.name : "")),
      outputs: outs.map((o) => o.name),
      attributes,
    });
    return outs;
  }

  /** Records how to differentiate `output` with respect to `inputs`. */
  record(inputs: readonly SymTensor[], output: SymTensor, vjp: Vjp): SymTensor {
    this.tape.push({ inputs, output, vjp });
    return output;
  }
}
