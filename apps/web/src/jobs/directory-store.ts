import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { type ArtifactStore, checkKey, type StoredFile } from "./store.ts";
import { copyChanged, walkFiles } from "./sync.ts";

/** The store as a directory (the portal's data directory): the embedded default, or a file system all hosts mount. */
export class DirectoryStore implements ArtifactStore {
  readonly kind = "directory";

  constructor(readonly root: string) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.path(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Written aside and renamed, so a reader never sees half a file and a failed write leaves nothing behind.
    const tmp = `${file}.${randomUUID()}.tmp`;
    try {
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return fs.readFile(this.path(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "EISDIR") return undefined;
      throw err;
    });
  }

  async list(prefix: string): Promise<StoredFile[]> {
    const dir = this.path(prefix);
    return (await walkFiles(dir)).map((f) => ({ key: `${prefix}/${f.relative}`, size: f.size }));
  }

  async remove(prefix: string): Promise<void> {
    await fs.rm(this.path(prefix), { recursive: true, force: true });
  }

  async localDir(prefix: string): Promise<string> {
    return this.path(prefix);
  }

  async pushDir(dir: string, prefix: string): Promise<void> {
    const target = this.path(prefix);
    if (path.resolve(dir) === target) return;
    await copyChanged(dir, target);
  }

  private path(key: string): string {
    return path.join(this.root, checkKey(key));
  }
}
