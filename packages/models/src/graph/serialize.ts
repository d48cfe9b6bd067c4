/** Serializes a GraphBuilder to ONNX ModelProto bytes with the `onnx-proto` (protobufjs) message classes. */
import onnxProto from "onnx-proto";
import { type AttrValue, type GraphBuilder, OPSET, type SymTensor } from "./builder.js";

const { onnx } = onnxProto;

const ELEM_FLOAT = 1;
const ELEM_INT64 = 7;
/** IR version 8 (ONNX 1.10+) covers opset 17. */
const IR_VERSION = 8;

function attribute(name: string, a: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case "int":
      return { name, type: T.INT, i: a.value };
    case "float":
      return { name, type: T.FLOAT, f: a.value };
    case "ints":
      return { name, type: T.INTS, ints: [...a.value] };
    case "string":
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  }
}

function valueInfo(t: SymTensor, symbolicBatch: boolean): onnxProto.onnx.IValueInfoProto {
  return {
    name: t.name,
    type: {
      tensorType: {
        elemType: t.dtype === "int64" ? ELEM_INT64 : ELEM_FLOAT,
        shape: { dim: t.shape.map((d, i) => (symbolicBatch && i === 0 ? { dimParam: "batch" } : { dimValue: d })) },
      },
    },
  };
}

function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  // Typed arrays use the platform's byte order; every platform ORT supports is little-endian.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export interface SerializeOptions {
  readonly producer?: string;
  /** Stored as ModelProto metadata_props. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly graphName?: string;
}

export function serializeGraph(b: GraphBuilder, options: SerializeOptions = {}): Uint8Array {
  const graph: onnxProto.onnx.IGraphProto = {
    name: options.graphName ?? "graph",
    node: b.nodes.map((n, i) => ({
      name: `${n.opType}_${i}`,
      opType: n.opType,
      input: [...n.inputs],
      output: [...n.outputs],
      attribute: Object.entries(n.attributes).map(([k, v]) => attribute(k, v)),
    })),
    initializer: b.initializers.map((t) => ({
      name: t.name,
      dims: [...t.shape],
      dataType: t.dtype === "int64" ? ELEM_INT64 : ELEM_FLOAT,
      rawData: littleEndianBytes(t.data),
    })),
    input: b.inputs.map((t) => valueInfo(t, b.symbolicBatch)),
    output: b.outputs.map((t) => valueInfo(t, b.symbolicBatch && t.shape.length > 0)),
  };
  const model: onnxProto.onnx.IModelProto = {
    irVersion: IR_VERSION,
    producerName: options.producer ?? "@diffusion-studio/models",
    opsetImport: [{ domain: "", version: OPSET }],
    graph,
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** Reads ModelProto metadata_props without decoding the weights' meaning. */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnx.ModelProto.decode(bytes);
  const out: Record<string, string> = {};
  for (const p of model.metadataProps) if (p.key) out[p.key] = p.value ?? "";
  return out;
}
