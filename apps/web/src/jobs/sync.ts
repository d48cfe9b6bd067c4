import fs from "node:fs/promises";
import path from "node:path";

export interface LocalFile {
  /** Relative to the walked directory, with `/` separators. */
  readonly relative: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Every plain file below `dir` (none if it does not exist); temporary files of atomic writes are skipped. */
export async function walkFiles(dir: string): Promise<LocalFile[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const out: LocalFile[] = [];
  for (const e of entries) {
    if (!e.isFile() || e.name.endsWith(".tmp")) continue;
    const full = path.join(e.parentPath, e.name);
    const stat = await fs.stat(full).catch(() => undefined);
    if (stat)
      out.push({
        relative: path.relative(dir, full).split(path.sep).join("/"),
        size: stat.size,
        mtimeMs: stat.mtimeMs,
      });
  }
  return out.sort((a, b) => a.relative.localeCompare(b.relative));
}

/** Copies new and changed files of `from` into `to` and removes files `to` has that `from` no longer has. */
export async function copyChanged(from: string, to: string): Promise<void> {
  const [src, dst] = await Promise.all([walkFiles(from), walkFiles(to)]);
  const have = new Map(dst.map((f) => [f.relative, f]));
  for (const f of src) {
    const old = have.get(f.relative);
    have.delete(f.relative);
    if (old && old.size === f.size && old.mtimeMs >= f.mtimeMs) continue;
    const target = path.join(to, f.relative);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(path.join(from, f.relative), `${target}.tmp`);
    await fs.rename(`${target}.tmp`, target);
  }
  for (const gone of have.keys()) await fs.rm(path.join(to, gone), { force: true });
}
