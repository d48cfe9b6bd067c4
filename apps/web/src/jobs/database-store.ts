import fs from "node:fs/promises";
import path from "node:path";
import { and, eq, like, notInArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { files } from "../db/schema.ts";
import { type ArtifactStore, checkKey, type StoredFile } from "./store.ts";
import { walkFiles } from "./sync.ts";

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The store in the shared database (table `files`), for hosts that share nothing else. Reads go through a local
 * cache directory; pushes send only files whose size or modification time changed since this process last sent them.
 */
export class DatabaseStore implements ArtifactStore {
  readonly kind = "database";
  /** key → "size:mtime" of what this process last pushed. */
  private readonly pushed = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly cacheDir: string,
  ) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    checkKey(key);
    await this.db
      .insert(files)
      .values({ key, bytes, size: bytes.byteLength })
      .onConflictDoUpdate({ target: files.key, set: { bytes, size: bytes.byteLength, updatedAt: sql`now()` } });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const [row] = await this.db
      .select({ bytes: files.bytes })
      .from(files)
      .where(eq(files.key, checkKey(key)));
    return row ? new Uint8Array(row.bytes) : undefined;
  }

  async list(prefix: string): Promise<(StoredFile & { updatedAt: Date })[]> {
    const rows = await this.db
      .select({ key: files.key, size: files.size, updatedAt: files.updatedAt })
      .from(files)
      .where(like(files.key, `${escapeLike(checkKey(prefix))}/%`))
      .orderBy(files.key);
    return rows;
  }

  async remove(prefix: string): Promise<void> {
    await this.db.delete(files).where(like(files.key, `${escapeLike(checkKey(prefix))}/%`));
  }

  async localDir(prefix: string): Promise<string> {
    const dir = path.join(this.cacheDir, checkKey(prefix));
    const [remote, local] = await Promise.all([this.list(prefix), walkFiles(dir)]);
    // A cached copy carries its row's update time as its modification time; a file whose row changed is fetched again.
    const cached = new Map(local.map((f) => [f.relative, `${f.size}:${Math.round(f.mtimeMs)}`]));
    for (const f of remote) {
      const relative = f.key.slice(prefix.length + 1);
      const stamp = cached.get(relative);
      cached.delete(relative);
      if (stamp === `${f.size}:${f.updatedAt.getTime()}`) continue;
      const bytes = await this.get(f.key);
      if (!bytes) continue;
      const target = path.join(dir, relative);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(`${target}.tmp`, bytes);
      await fs.utimes(`${target}.tmp`, f.updatedAt, f.updatedAt);
      await fs.rename(`${target}.tmp`, target);
    }
    for (const gone of cached.keys()) await fs.rm(path.join(dir, gone), { force: true });
    return dir;
  }

  async pushDir(dir: string, prefix: string): Promise<void> {
    checkKey(prefix);
    const local = await walkFiles(dir);
    for (const f of local) {
      const key = `${prefix}/${f.relative}`;
      const stamp = `${f.size}:${f.mtimeMs}`;
      if (this.pushed.get(key) === stamp) continue;
      // A file the writer removed since the walk (an older checkpoint) is simply not sent.
      const bytes = await fs.readFile(path.join(dir, f.relative)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return undefined;
        throw err;
      });
      if (!bytes) continue;
      await this.put(key, bytes);
      this.pushed.set(key, stamp);
    }
    // Files the directory no longer has (an older checkpoint) leave the store too.
    const keep = local.map((f) => `${prefix}/${f.relative}`);
    await this.db
      .delete(files)
      .where(
        and(like(files.key, `${escapeLike(prefix)}/%`), keep.length > 0 ? notInArray(files.key, keep) : undefined),
      );
  }
}
