import "server-only";
import { randomUUID } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { grids } from "@/db/schema";
import { ApiError, isApiError } from "@/shared/errors";
import { cellName, expandGrid, type GridAxes, type GridInput, type GridRecipe } from "@/shared/grids";
import type { JobImage, JobState } from "@/shared/jobs";
import type { Generations } from "./generations";

/** One cell of a grid as a page shows it: its generation's state and, once done, its picture. */
export interface GridCellView {
  readonly x: number;
  readonly y: number;
  readonly id: string;
  readonly status: JobState;
  readonly error: string | null;
  /** The cell's picture: its generation's last image (the one result, the SDEdit level, the upscaled image). */
  readonly image: JobImage | null;
}

export interface GridView {
  readonly id: string;
  readonly base: GridRecipe;
  readonly axes: GridAxes;
  readonly createdAt: string;
  readonly cells: readonly GridCellView[];
}

/**
 * Parameter grids: every cell's recipe is checked like a single generation's (and the grid's total work against the
 * same cap), then all cells are stored and enqueued in one transaction with the grid's row.
 */
export class Grids {
  constructor(
    private readonly db: Database,
    private readonly generations: Generations,
    private readonly opts: { readonly maxEvaluations: number },
  ) {}

  async create(input: GridInput): Promise<string> {
    const grid = expandGrid(input);
    const prepared = [];
    for (const cell of grid.cells) {
      prepared.push(
        await this.generations.prepare(cell.recipe).catch((err: unknown) => {
          // The first failing cell, named, so a combination that fails (i_start ≥ steps) is found.
          if (!isApiError(err)) throw err;
          throw new ApiError(err.code, `${err.message} (cell ${cellName(grid.axes, cell.x, cell.y)})`, err.retryAfterS);
        }),
      );
    }
    const total = prepared.reduce((sum, p) => sum + p.evaluations, 0);
    if (total > this.opts.maxEvaluations) {
      const last = grid.axes.y ? "y" : "x";
      throw new ApiError(
        "BAD_REQUEST",
        `${last}.values: this grid needs about ${total.toLocaleString("en")} model evaluations in all (${grid.cells.length} cells), over this portal's limit of ${this.opts.maxEvaluations.toLocaleString("en")} per request (GENERATION_MAX_EVALS); use fewer values or lower steps`,
      );
    }
    const id = randomUUID();
    const jobs = prepared.map((p) => p.job);
    await this.generations.createGroup(jobs, id, (tx) =>
      tx.insert(grids).values({
        id,
        base: grid.base,
        axes: grid.axes,
        cells: jobs.map((j) => j.generationId),
      }),
    );
    return id;
  }

  async get(id: string): Promise<GridView> {
    const [row] = await this.db.select().from(grids).where(eq(grids.id, id));
    if (!row) throw new ApiError("NOT_FOUND", `id: no grid '${id}'`);
    const axes = row.axes as GridAxes;
    const byId = new Map((await this.generations.getMany(row.cells)).map((g) => [g.id, g]));
    const columns = axes.x.values.length;
    const cells = row.cells.map((cellId, k): GridCellView => {
      const g = byId.get(cellId);
      return {
        x: k % columns,
        y: Math.floor(k / columns),
        id: cellId,
        status: g?.status ?? "error",
        error: g ? g.error : "deleted",
        image: g?.status === "done" ? (g.images.at(-1) ?? null) : null,
      };
    });
    return { id: row.id, base: row.base as GridRecipe, axes, createdAt: row.createdAt.toISOString(), cells };
  }

  /** The latest grids, newest first (without their cells). */
  async list(limit: number): Promise<{ id: string; base: GridRecipe; axes: GridAxes; createdAt: string }[]> {
    const rows = await this.db.select().from(grids).orderBy(desc(grids.createdAt)).limit(limit);
    return rows.map((r) => ({
      id: r.id,
      base: r.base as GridRecipe,
      axes: r.axes as GridAxes,
      createdAt: r.createdAt.toISOString(),
    }));
  }
}
