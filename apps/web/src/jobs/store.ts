/**
 * Where every host reads and writes the files jobs make (images, uploads, run files, promoted models), by key such
 * as `generations/<id>/000.png` or `runs/<id>/checkpoints/latest.json`. One host: the data directory itself. Several
 * hosts: the database they all share already (`DatabaseStore`), so adding a GPU box needs no shared file system.
 */
export interface StoredFile {
  readonly key: string;
  readonly size: number;
}

export interface ArtifactStore {
  readonly kind: "directory" | "database";
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<StoredFile[]>;
  /** Removes every key under `prefix`. */
  remove(prefix: string): Promise<void>;
  /** A local directory that holds the files under `prefix` as they are now (the store's own, or a synced copy). */
  localDir(prefix: string): Promise<string>;
  /** Makes the store's files under `prefix` those of the local directory `dir` (changed files only). */
  pushDir(dir: string, prefix: string): Promise<void>;
}

/** Keys are relative paths of plain names: no `..`, no absolute paths, no empty parts. */
export function checkKey(key: string): string {
  const parts = key.split("/");
  if (key.length > 500 || parts.some((p) => p === "" || p === "." || p === ".." || !/^[\w.@+-]+$/.test(p))) {
    throw new Error(`store: '${key}' is not a valid key`);
  }
  return key;
}
