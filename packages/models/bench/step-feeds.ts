/** Feeds for one flow-time training step: seed-0 weights, zero Adam moments, a random batch, lr 1e-2, step 1. */
import * as ort from "onnxruntime-node";
import { initWeights, type TrainingGraph } from "../src/graphs.js";

export function stepFeeds(g: TrainingGraph, D: number): Record<string, ort.Tensor> {
  const w = initWeights("flow-time", D, 0);
  const shapes = new Map<string, readonly number[]>();
  for (const p of [...g.params, ...g.buffers]) shapes.set(p.name, p.shape);
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of g.stateNames) {
    const shape = shapes.get(name.replace(/^optimizer\.exp_avg(_sq)?\./, ""))!;
    const n = shape.reduce((a, b) => a * b, 1);
    feeds[name] = new ort.Tensor("float32", w.get(name) ?? new Float32Array(n), shape as number[]);
  }
  for (const input of g.batchInputs) {
    const n = input.shape.reduce((a, b) => a * b, 1);
    feeds[input.name] = new ort.Tensor("float32", new Float32Array(n).map(Math.random), input.shape as number[]);
  }
  feeds.lr = new ort.Tensor("float32", new Float32Array([1e-2]), []);
  feeds.step = new ort.Tensor("float32", new Float32Array([1]), []);
  return feeds;
}
