// @ts-check
/**
 * A typed client of the portal's tRPC API: submits a generation, follows it until it ends, and saves its first
 * image (a PNG that carries its recipe). Types come from the portal's own router (`AppRouter`), so a wrong field
 * or procedure name is a type error here (`corepack pnpm typecheck` checks this file).
 *
 *   node examples/generate.mjs [out.png] [prompt]            # from apps/web, with the portal running
 *
 * PORTAL_URL (default http://127.0.0.1:3000) says where the portal is; TEAM_TOKEN is sent when set.
 */
import fs from "node:fs/promises";
import { createTRPCClient, httpBatchLink } from "@trpc/client";

/** @typedef {import("../src/server/api/root").AppRouter} AppRouter */

const portal = process.env.PORTAL_URL ?? "http://127.0.0.1:3000";
/** @type {Record<string, string>} */
const headers = process.env.TEAM_TOKEN ? { authorization: `Bearer ${process.env.TEAM_TOKEN}` } : {};
const out = process.argv[2] ?? "generated.png";
const prompt = process.argv[3] ?? "a handwritten 7";

/** @type {import("@trpc/client").TRPCClient<AppRouter>} */
const api = createTRPCClient({ links: [httpBatchLink({ url: `${portal}/api/trpc`, headers })] });

// The portal's default model (the first one offered), sampled with the defaults its model card recorded.
const models = await api.models.list.query();
const model = models[0];
if (!model) throw new Error(`no model is offered at ${portal}`);
const unconditional = model.conditioning.type === "none";
const { id } = await api.generations.create.mutate({
  procedure: "generate",
  modelId: model.id,
  // An unconditional model takes no prompt ("") and no CFG γ.
  prompts: [unconditional ? "" : prompt],
  steps: model.defaults.steps,
  guidance: unconditional ? 0 : model.defaults.guidance,
  seed: 0,
  batch: 1,
});
console.log(`generation ${id} on ${model.id}`);

// Follow it by polling (the pages use the `generations.events` subscription over SSE instead).
let generation = await api.generations.get.query({ id });
while (generation.status === "queued" || generation.status === "running") {
  await new Promise((resolve) => setTimeout(resolve, 500));
  generation = await api.generations.get.query({ id });
}
if (generation.status !== "done") throw new Error(`generation ${id} ${generation.status}: ${generation.error}`);

// The download route names the file after what it shows; the bytes are the stored PNG, recipe chunks included.
const png = await fetch(`${portal}/api/generations/${id}/download?format=image&n=0`, { headers });
if (!png.ok) throw new Error(`download: HTTP ${png.status}`);
await fs.writeFile(out, Buffer.from(await png.arrayBuffer()));
console.log(`saved ${out} (${generation.images[0]?.label}; the portal calls it ${fileName(png)})`);

/** @param {Response} res */
function fileName(res) {
  return /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "?";
}
