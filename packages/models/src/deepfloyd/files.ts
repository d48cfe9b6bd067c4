/**
 * Reading an IF export directory's manifest with Node's file system only — no ONNX Runtime — so that servers can
 * list and validate an export without loading the engine (`@diffusion-studio/models/files`).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type DeepFloydManifest, parseManifest } from "./manifest.js";
import { DeepFloydFormatError } from "./validate.js";

export const MANIFEST_FILE = "manifest.json";

/** Reads and validates `DIR/manifest.json`; every file it names must exist. */
export function readDeepFloydManifest(dir: string): DeepFloydManifest {
  const path = join(resolve(dir), MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new DeepFloydFormatError(
      `${path} not found: point at the folder that \`export_if.py export --out DIR\` wrote (it holds ${MANIFEST_FILE})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new DeepFloydFormatError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const manifest = parseManifest(json, path);
  const files: [string, string | null | undefined][] = [
    ["stages.stage1.onnx", manifest.stages.stage1?.onnx],
    ["stages.stage1.externalData", manifest.stages.stage1?.externalData],
    ["stages.stage2.onnx", manifest.stages.stage2?.onnx],
    ["stages.stage2.externalData", manifest.stages.stage2?.externalData],
    ["embeddings.safetensors", manifest.embeddings?.safetensors],
    ["embeddings.index", manifest.embeddings?.index],
    ["textEncoder.onnx", manifest.textEncoder?.onnx],
    ["textEncoder.externalData", manifest.textEncoder?.externalData],
    ["textEncoder.tokenizer", manifest.textEncoder?.tokenizer],
  ];
  for (const [field, rel] of files) {
    if (rel && !existsSync(join(dirname(path), rel))) {
      throw new DeepFloydFormatError(
        `${path}: \`${field}\` names ${rel}, which does not exist in ${dirname(path)} (incomplete copy of the export?)`,
      );
    }
  }
  return manifest;
}
