import fs from "node:fs/promises";
import path from "node:path";

/** The folders the portal keeps under its data directory. */
export interface DataDir {
  readonly root: string;
  /** Generated images, previews and uploads; everything served by /api/artifacts. */
  readonly artifacts: string;
  /** Training run directories written by the trainer. */
  readonly runs: string;
  /** Promoted models (exported ONNX + card). */
  readonly models: string;
}

export async function prepareDataDir(root: string): Promise<DataDir> {
  const dir: DataDir = {
    root,
    artifacts: path.join(root, "artifacts"),
    runs: path.join(root, "runs"),
    models: path.join(root, "models"),
  };
  for (const p of [dir.artifacts, dir.runs, dir.models]) await fs.mkdir(p, { recursive: true });
  return dir;
}

/**
 * Resolves a client-supplied relative path inside `root`, or returns null when it would escape it: absolute paths,
 * `..` segments, NUL bytes and symbolic links pointing outside are all refused.
 */
export async function resolveInside(root: string, relative: string): Promise<string | null> {
  if (relative.length === 0 || relative.length > 512 || relative.includes("\0") || path.isAbsolute(relative))
    return null;
  const base = await fs.realpath(root);
  const candidate = path.resolve(base, relative);
  if (!isWithin(base, candidate)) return null;
  let real: string;
  try {
    real = await fs.realpath(candidate);
  } catch {
    return null;
  }
  return isWithin(base, real) ? real : null;
}

function isWithin(base: string, p: string): boolean {
  return p.startsWith(base + path.sep);
}
