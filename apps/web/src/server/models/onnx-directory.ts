import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { readModelCard } from "@diffusion-studio/models";
import type { ModelInfo } from "@/shared/models";
import { describeCard } from "./model-info";
import type { RegisteredModel } from "./registry";

interface Cached {
  readonly mtimeMs: number;
  readonly model: RegisteredModel | undefined;
}

/**
 * Models stored as `<dir>/<id>.onnx`, each carrying its model card in the ONNX metadata. Cards are read once per
 * file version; a directory that does not exist simply holds no models.
 */
export function onnxDirectorySource(dir: string, source: ModelInfo["source"]): () => Promise<RegisteredModel[]> {
  const cache = new Map<string, Cached>();
  return async () => {
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter((n) => n.endsWith(".onnx")).sort();
    } catch {
      return [];
    }
    const out: RegisteredModel[] = [];
    for (const name of names) {
      const file = path.join(dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat?.isFile()) continue;
      let hit = cache.get(file);
      if (!hit || hit.mtimeMs !== stat.mtimeMs) {
        hit = { mtimeMs: stat.mtimeMs, model: await load(file, name.slice(0, -".onnx".length), source) };
        cache.set(file, hit);
      }
      if (hit.model) out.push(hit.model);
    }
    return out;
  };
}

async function load(file: string, id: string, source: ModelInfo["source"]): Promise<RegisteredModel | undefined> {
  try {
    const card = readModelCard(new Uint8Array(await fs.readFile(file)));
    const name = typeof card.extra?.name === "string" ? card.extra.name : undefined;
    const info = describeCard(id, card, source, name);
    return info ? { info, file } : undefined;
  } catch (err) {
    console.warn(`model ${file} skipped: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
