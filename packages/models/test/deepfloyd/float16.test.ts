/**
 * fp16 exports: a manifest whose UNet inputs/outputs are float16 gets float16 tensors (converted from and back to
 * float32), and an F16 embedding store is widened. Checked on a copy of the stand-in whose stage I graph is wrapped
 * with Casts so that its inputs and output really are float16 (ONNX Runtime refuses float32 feeds for them).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { readSafetensorsHeader, readSafetensorsTensor } from "../../src/checkpoint/safetensors.js";
import { loadDeepFloyd } from "../../src/node.js";
import { float32ToHalf, fromHalfBits, halfToFloat32, toHalfBits } from "../../src/numeric/float16.js";
import { FIXTURE_DIR, image, maxAbsDiff, recordedCase, tensor } from "./recordings.js";

const { onnx } = onnxProto;
const FLOAT = 1;
const FLOAT16 = 10;

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** Makes every float32 graph input and output float16, with Casts to and from the original float32 graph. */
function withHalfIo(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const rename = (from: string, to: string) => {
    for (const node of graph.node!) {
      node.input = node.input!.map((n) => (n === from ? to : n));
      node.output = node.output!.map((n) => (n === from ? to : n));
    }
  };
  const casts: onnxProto.onnx.INodeProto[] = [];
  for (const input of graph.input!) {
    const t = input.type!.tensorType!;
    if (t.elemType !== FLOAT) continue;
    const name = input.name!;
    rename(name, `${name}__f32`);
    t.elemType = FLOAT16;
    casts.push({
      opType: "Cast",
      input: [name],
      output: [`${name}__f32`],
      attribute: [{ name: "to", type: 2, i: FLOAT }],
    });
  }
  const tail: onnxProto.onnx.INodeProto[] = [];
  for (const output of graph.output!) {
    const t = output.type!.tensorType!;
    const name = output.name!;
    rename(name, `${name}__f32`);
    t.elemType = FLOAT16;
    tail.push({
      opType: "Cast",
      input: [`${name}__f32`],
      output: [name],
      attribute: [{ name: "to", type: 2, i: FLOAT16 }],
    });
  }
  graph.node = [
    ...casts.map((c) => onnx.NodeProto.create(c)),
    ...graph.node!,
    ...tail.map((c) => onnx.NodeProto.create(c)),
  ];
  return onnx.ModelProto.encode(model).finish();
}

/** The embedding store rewritten with F16 tensors. */
function halfStore(bytes: Uint8Array): Uint8Array {
  const header = readSafetensorsHeader(bytes);
  const json: Record<string, unknown> = { __metadata__: header.metadata };
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, entry] of header.entries) {
    const half = float32ToHalf(readSafetensorsTensor(bytes, header, name));
    json[name] = { dtype: "F16", shape: entry.shape, data_offsets: [offset, offset + half.byteLength] };
    parts.push(new Uint8Array(half.buffer));
    offset += half.byteLength;
  }
  const head = new TextEncoder().encode(JSON.stringify(json));
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("float16", () => {
  it("converts float32 ⇄ binary16 with round-to-nearest-even", () => {
    expect([1, -2, 0.5, 65504, 1e-8, 2 ** -24, 70000].map(toHalfBits)).toEqual([
      0x3c00, 0xc000, 0x3800, 0x7bff, 0, 1, 0x7c00,
    ]);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    for (let h = 0; h < 0x7c00; h += 37) expect(toHalfBits(fromHalfBits(h))).toBe(h); // exact round trip
    expect(Array.from(halfToFloat32(float32ToHalf(Float32Array.from([0.1, -3.3]))))).toEqual([
      0.0999755859375, -3.30078125,
    ]);
  });

  it("runs an export whose UNet takes and returns float16, with an F16 embedding store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deepfloyd-fp16-"));
    temps.push(dir);
    cpSync(FIXTURE_DIR, dir, { recursive: true });
    writeFileSync(
      join(dir, "stage_1", "unet.onnx"),
      withHalfIo(readFileSync(join(FIXTURE_DIR, "stage_1", "unet.onnx"))),
    );
    writeFileSync(
      join(dir, "embeddings", "embeddings.safetensors"),
      halfStore(readFileSync(join(FIXTURE_DIR, "embeddings", "embeddings.safetensors"))),
    );
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    const s1 = manifest.stages.stage1;
    s1.weightsDtype = "float16";
    for (const io of [...s1.inputs, ...s1.outputs]) io.dtype = "float16";
    manifest.embeddings.dtype = "float16";
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    const index = JSON.parse(readFileSync(join(dir, "embeddings", "index.json"), "utf8"));
    index.dtype = "float16";
    writeFileSync(join(dir, "embeddings", "index.json"), JSON.stringify(index));

    const half = await loadDeepFloyd(dir, { threads: 2, device: "cpu", stages: ["stage1"], textEncoder: false });
    const full = await loadDeepFloyd(FIXTURE_DIR, {
      threads: 2,
      device: "cpu",
      stages: ["stage1"],
      textEncoder: false,
    });
    try {
      const photo = "a high quality photo";
      expect(maxAbsDiff(half.embeddings!.get(photo), full.embeddings!.get(photo))).toBeLessThan(5e-3);
      const c = recordedCase("stage1_threshold");
      const x0 = image(c.tensors.initialNoise!);
      const x = { shape: [2, 3, 16, 16] as const, data: new Float32Array(2 * x0.data.length) };
      x.data.set(x0.data);
      x.data.set(x0.data, x0.data.length);
      const input = { x, t: new Float32Array([990, 990]), conditions: [{ prompt: photo }, null] };
      const a = await half.stage1!.denoiser.predict(input);
      const b = await full.stage1!.denoiser.predict(input);
      expect(a.prediction.data).toBeInstanceOf(Float32Array);
      // fp16 rounding of inputs, embeddings and outputs only (|out| ≈ 1.4)
      expect(maxAbsDiff(a.prediction.data, b.prediction.data)).toBeLessThan(2e-2);
      expect(maxAbsDiff(a.variance!.data, b.variance!.data)).toBeLessThan(2e-2);
      expect(
        maxAbsDiff(b.prediction.data.subarray(0, 768), tensor(c.tensors.unetOutStep0!).data.subarray(1536, 2304)),
      ).toBeLessThan(1e-4);
    } finally {
      await half.dispose();
      await full.dispose();
    }
  });
});
