import fs from "node:fs/promises";
import path from "node:path";
import { buildInferenceGraph, initWeights, type ModelKind } from "@diffusion-studio/models";

/**
 * Exports a real (untrained, seeded) CS180 UNet as `<dir>/<id>.onnx`. Small width keeps the tests fast; the whole
 * path (card, ONNX Runtime session, core sampler, PNG output) is the one trained models take.
 */
export async function writeTestModel(dir: string, id: string, kind: ModelKind = "flow-class", D = 8): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const onnx = buildInferenceGraph(kind, D, initWeights(kind, D, 0), { extra: { name: `Test ${kind}` } });
  const file = path.join(dir, `${id}.onnx`);
  await fs.writeFile(file, onnx);
  return file;
}
