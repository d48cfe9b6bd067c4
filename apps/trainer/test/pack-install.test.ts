/**
 * The packages as another app gets them: `pnpm pack` @diffusion-studio/core and @diffusion-studio/models, install the
 * tarballs with npm into an empty project outside the workspace, and run an ESM script there that samples 4 digits
 * of a class from a committed model and writes PNGs through public exports only (test/fixtures/outside-app.mjs).
 * The first run downloads the registry dependencies (about 300 MB, mostly onnxruntime-node); npm's cache serves
 * later runs.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodePng } from "@diffusion-studio/models";
import { loadInferenceModel } from "@diffusion-studio/models/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "../../..");
const models = path.join(repo, "apps/trainer/models");
const app = mkdtempSync(path.join(tmpdir(), "outside-app-"));
afterAll(() => rmSync(app, { recursive: true, force: true }));

/** The environment without what pnpm passes to its scripts (npm_config_*), so npm runs with its own defaults. */
function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm|pnpm)_/i.test(k)));
  // onnxruntime-node's install script would fetch CUDA libraries; its CPU binaries ship in the tarball.
  return { ...env, ONNXRUNTIME_NODE_INSTALL: "skip" };
}

function pack(pkg: string): string {
  const before = new Set(readdirSync(app));
  execFileSync("corepack", ["pnpm", "pack", "--pack-destination", app], { cwd: path.join(repo, pkg), stdio: "pipe" });
  const tarball = readdirSync(app).find((f) => f.endsWith(".tgz") && !before.has(f));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${pkg}`);
  return `file:./${tarball}`;
}

describe("@diffusion-studio/core and @diffusion-studio/models installed from their tarballs", () => {
  beforeAll(() => {
    const dependencies = {
      "@diffusion-studio/core": pack("packages/core"),
      "@diffusion-studio/models": pack("packages/models"),
    };
    writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({ name: "outside-app", private: true, type: "module", dependencies }),
    );
    copyFileSync(path.join(import.meta.dirname, "fixtures/outside-app.mjs"), path.join(app, "sample.mjs"));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
      cwd: app,
      env: npmEnv(),
      stdio: "pipe",
    });
  }, 600_000);

  it("samples 4 digits of the asked class and writes PNGs that decode", async () => {
    const out = path.join(app, "out");
    const stdout = execFileSync(
      process.execPath,
      ["sample.mjs", path.join(models, "flow-class-d32/model.onnx"), out, "7"],
      {
        cwd: app,
        env: npmEnv(),
      },
    );
    const files = JSON.parse(stdout.toString()) as string[];
    expect(files.map((f) => path.basename(f))).toEqual(
      [0, 1, 2, 3].map((i) => `digit-7-00${i}.png`).concat("grid.png"),
    );
    const digits = files.slice(0, 4).map((f) => decodePng(new Uint8Array(readFileSync(f))));
    for (const d of digits) expect(d.shape).toEqual([1, 1, 28, 28]);
    expect(decodePng(new Uint8Array(readFileSync(files[4]!))).shape).toEqual([1, 1, 32, 122]);

    // The committed classifier reads what was drawn: the class input really steered the samples.
    const classifier = await loadInferenceModel(
      new Uint8Array(readFileSync(path.join(models, "classifier/model.onnx"))),
    );
    const x = new Float32Array(4 * 784);
    for (const [i, d] of digits.entries()) x.set(d.data, i * 784);
    const logits = await classifier.run({ x });
    await classifier.dispose();
    const read = [0, 1, 2, 3].map((i) => {
      const row = Array.from(logits.subarray(i * 10, i * 10 + 10));
      return row.indexOf(Math.max(...row));
    });
    expect(read.filter((d) => d === 7).length).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
