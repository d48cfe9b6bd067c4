import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A throw-away PostgreSQL server in a temporary directory on 127.0.0.1, from Debian's server binaries. */
export interface TestPostgres {
  readonly url: string;
  /** `pg_ctl restart -m immediate`: every connection drops, as in a crash. */
  restartImmediate(): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

async function binDir(): Promise<string> {
  const root = "/usr/lib/postgresql";
  const versions = (await fs.readdir(root).catch(() => [])).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const dir = path.join(root, v, "bin");
    if (await fs.stat(path.join(dir, "pg_ctl")).catch(() => undefined)) return dir;
  }
  throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)");
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user. */
function asServerUser(bin: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = await binDir();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-pg-"));
  const data = path.join(dir, "data");
  if (process.getuid?.() === 0) await run("chown", ["postgres", dir]);
  const exec = (name: string, args: string[]) => run(...asServerUser(path.join(bin, name), args));
  await exec("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`;
  const ctl = (...args: string[]) =>
    exec("pg_ctl", ["-D", data, "-o", opts, "-l", path.join(dir, "log"), "-w", ...args]);
  await ctl("start");
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const { default: pg } = await import("pg");
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    url,
    query,
    restartImmediate: async () => {
      await ctl("restart", "-m", "immediate");
    },
    stop: async () => {
      await ctl("stop", "-m", "fast").catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
