/** `diffusion-trainer sample`: digits of a class from a committed model, written as PNGs; bad input exits 2. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodePng } from "@diffusion-studio/models";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT, main } from "../src/cli/main.js";

const model = path.resolve(import.meta.dirname, "../models/flow-class-d32");
const out = mkdtempSync(path.join(tmpdir(), "trainer-sample-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const messages: string[] = [];
  const printed: string[] = [];
  const code = await main(
    args,
    (s) => messages.push(s),
    (s) => printed.push(s),
  );
  return { code, messages: messages.join("\n"), printed };
}

describe("diffusion-trainer sample", () => {
  it("writes --count PNGs of the --class digit, the same bytes for the same --seed", async () => {
    const args = ["sample", model, "--class", "7", "--count", "3", "--steps", "10", "--seed", "4", "--threads", "1"];
    const first = await cli(...args, "--out", path.join(out, "a"));
    expect(first).toMatchObject({ code: EXIT.done, messages: `3 images in ${path.join(out, "a")}` });
    expect(first.printed.map((f) => path.basename(f))).toEqual([
      "digit-7-000.png",
      "digit-7-001.png",
      "digit-7-002.png",
    ]);
    const second = await cli(...args, "--out", path.join(out, "b"));
    for (const [i, file] of first.printed.entries()) {
      const bytes = readFileSync(file);
      expect(decodePng(new Uint8Array(bytes)).shape).toEqual([1, 1, 28, 28]);
      expect(readFileSync(second.printed[i]!)).toEqual(bytes);
    }
  });

  it("names the flag and its range for bad input (exit 2)", async () => {
    const bad = (...args: string[]) => cli("sample", ...args, "--out", path.join(out, "bad"));
    expect(await bad(model, "--class", "12")).toMatchObject({
      code: EXIT.usage,
      messages: "--class must be an integer in [0, 9] (got 12)",
    });
    expect(await bad(path.join(model, "../flow-time-d32"), "--class", "1")).toMatchObject({
      code: EXIT.usage,
      messages: "--class must be left out: this flow-time model is not class-conditioned",
    });
    expect(await bad(model, "--steps", "0")).toMatchObject({ code: EXIT.usage });
    expect((await bad(path.join(out, "missing"))).messages).toMatch(/<model> must be a model.onnx or a folder/);
  });
});
