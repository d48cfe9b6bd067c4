import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { uploads } from "@/db/schema";
import { loadEnv } from "@/env";
import { resolveInside } from "@/server/data-dir";
import { createServices } from "@/server/services";
import { readLimited, storeUpload } from "@/server/uploads";
import { ApiError } from "@/shared/errors";

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "ds-web-storage-"));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

describe("artifact paths", () => {
  it("resolves files inside the directory and refuses every way out", async () => {
    const inside = path.join(root, "artifacts");
    await fs.mkdir(path.join(inside, "g"), { recursive: true });
    await fs.writeFile(path.join(inside, "g", "a.png"), "x");
    await fs.writeFile(path.join(root, "secret.txt"), "s");
    await fs.symlink(path.join(root, "secret.txt"), path.join(inside, "link.png"));
    expect(await resolveInside(inside, "g/a.png")).toBe(path.join(await fs.realpath(inside), "g", "a.png"));
    for (const bad of [
      "../secret.txt",
      "g/../../secret.txt",
      "/etc/passwd",
      "link.png",
      "g/\0a.png",
      "",
      "missing.png",
    ]) {
      expect(await resolveInside(inside, bad), bad).toBeNull();
    }
  });
});

describe("uploads", () => {
  it("decodes a real image and stores it as PNG", async () => {
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#808080" } })
      .jpeg()
      .toBuffer();
    const stored = await storeUpload(root, jpeg);
    expect(stored).toMatchObject({ width: 40, height: 30, format: "jpeg" });
    const meta = await sharp(path.join(root, stored.path)).metadata();
    expect(meta.format).toBe("png");
  });

  it("refuses files that are not images, or are damaged", async () => {
    await expect(storeUpload(root, Buffer.from("%PDF-1.7 not an image"))).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
    });
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#fff" } })
      .png()
      .toBuffer();
    await expect(storeUpload(root, png.subarray(0, 60))).rejects.toBeInstanceOf(ApiError);
  });

  it("stops reading a body as soon as it passes the limit", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    await expect(readLimited(body, 8 * 1024 * 1024)).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: "file: larger than the upload limit of 8 MB",
    });
    expect(pulled).toBeLessThan(12);
  });
});

describe("database", () => {
  it("creates the data directory, migrates, and keeps rows across a restart", async () => {
    const dataDir = path.join(root, "fresh", "data");
    const first = await openDatabase({ dataDir });
    const row = { id: crypto.randomUUID(), path: "uploads/x.png", width: 28, height: 28, format: "png", bytes: 100 };
    await first.db.insert(uploads).values(row);
    await first.close();
    const second = await openDatabase({ dataDir });
    const [found] = await second.db.select().from(uploads).where(eq(uploads.id, row.id));
    expect(found).toMatchObject(row);
    await second.close();
  });

  it("refuses to serve an exposed portal without a team token", async () => {
    const env = loadEnv({ HOST: "0.0.0.0", DATA_DIR: path.join(root, "exposed") });
    await expect(createServices(env)).rejects.toThrow(/set TEAM_TOKEN/);
  });
});
