/**
 * `@diffusion-studio/models/graph`: the ONNX graph builder underneath the models — symbolic tensors, the
 * differentiable ops with their gradient rules, reverse-mode autodiff, Adam in the graph, the CS180 networks and
 * serialization. For building graphs of your own; the model-level API is the package's main entry.
 */
export { ADAM_DEFAULTS, type AdamOptions, type AdamState, type AdamUpdate, adamUpdates } from "./graph/adam.js";
export { backward } from "./graph/autodiff.js";
export {
  type AttrValue,
  attrFloat,
  attrInt,
  attrInts,
  type DType,
  GraphBuilder,
  OPSET,
  type SymTensor,
} from "./graph/builder.js";
export { readOnnxMetadata, type SerializeOptions, serializeGraph } from "./graph/serialize.js";
export { type Conditioning, classifier, unet } from "./nn/architectures.js";
export { type NamedTensors, NetContext, type ParamInit, type ParamSpec } from "./nn/context.js";
export { type ConvOptions, conv2d, convTranspose2d } from "./ops/conv.js";
export {
  add,
  concat,
  div,
  flatten,
  gelu,
  globalAvgPool,
  linear,
  mul,
  relu,
  reshape,
  scale,
  sub,
  unsqueeze,
} from "./ops/elementwise.js";
export { crossEntropyLoss, mseLoss } from "./ops/loss.js";
export { BATCH_NORM_DEFAULTS, type BatchNormOptions, batchNorm2dEval, batchNorm2dTrain } from "./ops/norm.js";
