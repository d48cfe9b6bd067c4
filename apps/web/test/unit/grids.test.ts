import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { gridImage } from "@/server/grid-image";
import { expandGrid, type GridInput, gridInput, parseAxisValues } from "@/shared/grids";
import { readPngText } from "@/shared/png-text";
import { firstIssue } from "@/shared/recipes";
import { testServices } from "../support/services";

const BASE = {
  procedure: "generate",
  modelId: "flow-class-d64",
  prompts: ["a handwritten 7"],
  steps: 3,
  guidance: 5,
  seed: 0,
  batch: 1,
} as const;

function grid(extra: Partial<GridInput>): GridInput {
  return { ...BASE, prompts: [...BASE.prompts], x: { param: "guidance", values: [1, 3, 5] }, ...extra } as GridInput;
}

describe("grid input: every cell is checked before anything runs", () => {
  it("expands a 3×3 γ × steps grid row by row (y outer), each cell the base with its two values", () => {
    const { cells, axes } = expandGrid(grid({ y: { param: "steps", values: [2, 4, 8] } }));
    expect(axes).toEqual({ x: { param: "guidance", values: [1, 3, 5] }, y: { param: "steps", values: [2, 4, 8] } });
    expect(cells.map((c) => [c.x, c.y, c.recipe.guidance, c.recipe.steps])).toEqual([
      [0, 0, 1, 2],
      [1, 0, 3, 2],
      [2, 0, 5, 2],
      [0, 1, 1, 4],
      [1, 1, 3, 4],
      [2, 1, 5, 4],
      [0, 2, 1, 8],
      [1, 2, 3, 8],
      [2, 2, 5, 8],
    ]);
    expect(cells[4]!.recipe).toEqual({ ...BASE, guidance: 3, steps: 4 });
    expect(cells[4]!.recipe).not.toHaveProperty("x");
  });

  it("sweeps seeds, models and SDEdit's i_start (one level per cell)", () => {
    expect(expandGrid(grid({ x: { param: "seed", values: [0, 7] } })).cells.map((c) => c.recipe.seed)).toEqual([0, 7]);
    expect(
      expandGrid(grid({ x: { param: "modelId", values: ["a", "b"] } })).cells.map((c) => c.recipe.modelId),
    ).toEqual(["a", "b"]);
    expect(
      expandGrid(grid({ x: { param: "sampler", values: ["flow-euler", "flow-dpm-solver"] } })).cells.map(
        (c) => c.recipe.sampler,
      ),
    ).toEqual(["flow-euler", "flow-dpm-solver"]);
    expect(() => expandGrid(grid({ x: { param: "sampler", values: ["euler-a"] } }))).toThrow(
      /^x\.values: "euler-a" is not allowed \(sampler: must be one of /,
    );
    const sdedit = {
      procedure: "sdedit",
      modelId: "m",
      imageId: crypto.randomUUID(),
      prompt: "a handwritten 3",
      iStarts: [1, 3],
      steps: 20,
      guidance: 5,
      seed: 0,
      x: { param: "iStart", values: [1, 5, 10] },
    } as const;
    const cells = expandGrid({ ...sdedit, iStarts: [...sdedit.iStarts], x: { ...sdedit.x, values: [1, 5, 10] } }).cells;
    expect(cells.map((c) => (c.recipe.procedure === "sdedit" ? c.recipe.iStarts : []))).toEqual([[1], [5], [10]]);
  });

  it.each([
    [
      grid({ x: { param: "guidance", values: [-1, 3] } }),
      /^x\.values: -1 is not allowed \(guidance: CFG γ must be a number between 0 and 30\)$/,
    ],
    [
      grid({ x: { param: "steps", values: [10, 1001] } }),
      /^x\.values: 1001 is not allowed \(steps: must be a whole number between 1 and 1000\)$/,
    ],
    [
      grid({
        y: { param: "steps", values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22] },
      }),
      /^y\.values: 3 × 22 = 66 cells; a grid holds at most 64$/,
    ],
    [grid({ y: { param: "guidance", values: [2] } }), /^y\.param: x already sweeps CFG γ; pick another parameter$/],
    [grid({ x: { param: "seed", values: [4, 4] } }), /^x\.values: 4 is given twice$/],
    [
      grid({ x: { param: "iStart", values: [1, 2] } }),
      /^x\.param: i_start is swept on sdedit recipes, not 'generate'$/,
    ],
    [grid({ batch: 2 }), /^batch: a grid cell holds one picture; set batch to 1$/],
    [
      grid({ prompts: ["a handwritten 1", "a handwritten 2"] }),
      /^prompts: a grid cell holds one picture; give one prompt$/,
    ],
  ])("refuses bad axes with a message naming the field and the allowed range (%#)", (input, message) => {
    expect(() => expandGrid(input)).toThrow(message);
  });

  it("the schema names the axis field of a malformed axis", () => {
    const bad = (input: unknown) => {
      const parsed = gridInput.safeParse(input);
      return parsed.success ? "ok" : firstIssue(parsed.error);
    };
    expect(bad(grid({ x: { param: "colour" as "seed", values: [1] } }))).toMatch(
      /^x\.param: one of guidance, steps, seed, sampler, modelId, iStart$/,
    );
    expect(bad(grid({ x: { param: "seed", values: [] } }))).toBe("x.values: give at least one value");
    expect(bad(grid({ x: { param: "seed", values: [true as unknown as number] } }))).toMatch(/^x\.values/);
    expect(bad({ ...grid({}), procedure: "hybrid" })).toMatch(/^procedure: /);
    expect(bad(grid({}))).toBe("ok");
  });

  it("reads comma-separated values typed in the form", () => {
    expect(parseAxisValues("x", "guidance", " 1, 2.5 ,7,")).toEqual([1, 2.5, 7]);
    expect(parseAxisValues("y", "modelId", "a, b")).toEqual(["a", "b"]);
    expect(() => parseAxisValues("y", "steps", "10, ten")).toThrow("y.values: 'ten' is not a number");
  });
});

describe("grids on the job system (real worker, embedded default model)", () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let caller: ReturnType<typeof createCaller>;
  beforeAll(async () => {
    services = await testServices({
      WORKER_SCRIPT: path.resolve(import.meta.dirname, "../../dist/worker/main.js"),
      GENERATION_MAX_EVALS: "2000",
    });
    caller = createCaller(await createContext({ headers: new Headers(), services }));
  });
  afterAll(async () => services?.dispose());

  it("runs a 2×2 grid as one group, kept out of the history, and renders it as one labelled PNG with its recipe", async () => {
    const { id } = await caller.grids.create(
      grid({ x: { param: "guidance", values: [0, 5] }, y: { param: "steps", values: [2, 3] } }),
    );
    let view = await caller.grids.get({ id });
    expect(view.cells).toHaveLength(4);
    for (let i = 0; i < 600 && view.cells.some((c) => c.status !== "done"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = await caller.grids.get({ id });
    }
    expect(view.cells.map((c) => [c.x, c.y, c.status])).toEqual([
      [0, 0, "done"],
      [1, 0, "done"],
      [0, 1, "done"],
      [1, 1, "done"],
    ]);
    expect(await caller.generations.list({ limit: 10 })).toEqual([]);
    expect((await caller.grids.list({ limit: 5 })).map((g) => g.id)).toEqual([id]);

    const download = await gridImage(services, view);
    expect(download.name).toBe("grid-7-guidance-x-steps-flow-class-d64.png");
    const meta = await sharp(download.body).metadata();
    // Two 112 px tiles across plus the row labels' column; two rows under the title and the column labels.
    expect(meta.width).toBeGreaterThan(2 * 112);
    expect(meta.height).toBeGreaterThan(2 * 112);
    const text = readPngText(download.body)!;
    const recipe = JSON.parse(text.get("diffusion-studio:recipe")!);
    expect(recipe.recipe).toEqual({ ...BASE });
    expect(recipe.grid).toEqual({
      format: "diffusion-studio/grid@1",
      axes: { x: { param: "guidance", values: [0, 5] }, y: { param: "steps", values: [2, 3] } },
    });
    expect(text.get("parameters")).toMatch(
      /^a handwritten 7\nSteps: 3, .*Script: X\/Y plot, X Type: CFG scale, X Values: "0, 5", Y Type: Steps, Y Values: "2, 3"$/,
    );
  });

  it("refuses a grid over the total work cap, or with an unknown model, naming the field and the cell; nothing is queued", async () => {
    // 8 cells × 200 steps × 2 branches = 3,200 evaluations > 2,000, though each cell alone is under it.
    await expect(
      caller.grids.create(grid({ steps: 200, x: { param: "seed", values: [0, 4, 5, 6, 7, 8, 9, 10] } })),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(
        /^x\.values: this grid needs about 3,200 model evaluations in all \(8 cells\), over this portal's limit of 2,000/,
      ),
    });
    await expect(
      caller.grids.create(grid({ x: { param: "modelId", values: ["flow-class-d64", "nope"] } })),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: "modelId: unknown model 'nope' (cell Model nope)" });
    expect((await caller.system.status()).queue.waiting).toBe(0);
    expect(await caller.grids.list({ limit: 5 })).toHaveLength(1);
  });
});
