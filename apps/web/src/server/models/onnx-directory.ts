import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { readModelCardFile } from "@diffusion-studio/models/files";
import type { ModelInfo } from "@/shared/models";
import { describeCard } from "./model-info";
import type { RegisteredModel } from "./registry";

interface Cached {
  readonly mtimeMs: number;
  readonly model: RegisteredModel | undefined;
}

/** One ONNX file offered as a model, under the id the UI shows. */
export interface ModelFile {
  readonly id: string;
  readonly file: string;
}

/**
 * Models stored as `<dir>/<id>.onnx`, each carrying its model card in the ONNX metadata. A directory that does not
 * exist simply holds no models.
 */
export function onnxDirectorySource(dir: string, source: ModelInfo["source"]): () => Promise<RegisteredModel[]> {
  return onnxFilesSource(async () => {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    return names
      .filter((n) => n.endsWith(".onnx"))
      .sort()
      .map((n) => ({ id: n.slice(0, -".onnx".length), file: path.join(dir, n) }));
  }, source);
}

/**
 * Models from a listing of ONNX files; each card is read once per file version. A published `model.onnx` also gets
 * what its folder's model-card.json records (name, description, the measured default sampler).
 */
export function onnxFilesSource(
  listFiles: () => Promise<readonly ModelFile[]>,
  source: ModelInfo["source"],
): () => Promise<RegisteredModel[]> {
  const cache = new Map<string, Cached>();
  return async () => {
    const out: RegisteredModel[] = [];
    for (const { id, file } of await listFiles()) {
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat?.isFile()) continue;
      let hit = cache.get(file);
      if (!hit || hit.mtimeMs !== stat.mtimeMs) {
        hit = { mtimeMs: stat.mtimeMs, model: await load(file, id, source) };
        cache.set(file, hit);
      }
      if (hit.model) out.push(hit.model);
    }
    return out;
  };
}

async function load(file: string, id: string, source: ModelInfo["source"]): Promise<RegisteredModel | undefined> {
  try {
    const bytes = new Uint8Array(await fs.readFile(file));
    const info = describeCard(id, await readModelCardFile(file, bytes), source);
    if (!info) return undefined;
    const fileSha256 = createHash("sha256").update(bytes).digest("hex");
    return {
      info: { ...info, fileSha256, ...browserInfo(bytes.byteLength, fileSha256) },
      format: "cs180-onnx",
      file,
      ref: modelRef(source, id, file),
    };
  } catch (err) {
    console.warn(`model ${file} skipped: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function modelRef(source: ModelInfo["source"], id: string, file: string): string {
  if (source === "embedded") return `embedded:${id}`;
  if (source === "promoted") return `store:models/${id}.onnx`;
  return `path:${file}`;
}

/** Largest model file offered for browser inference: the CS180 UNets are 2–8 MB; a page should not fetch 100s of MB. */
export const BROWSER_MODEL_MAX_BYTES = 32 * 1024 * 1024;

/** The `browser` field of a model small enough to run in a page (its file's size and SHA-256), else nothing. */
function browserInfo(bytes: number, sha256: string): Pick<ModelInfo, "browser"> {
  return bytes > BROWSER_MODEL_MAX_BYTES ? {} : { browser: { bytes, sha256 } };
}
