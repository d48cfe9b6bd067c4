import { z } from "zod";
import { ApiError } from "./errors.ts";
import type { JobState } from "./jobs.ts";
import { generateRecipe, type Recipe, recipe as recipeSchema, sdeditRecipe } from "./recipes.ts";
import { text } from "./text.ts";

/**
 * Parameter grids (X/Y plots): one base recipe swept over one or two parameters. Each cell is a generation of its own;
 * this module checks a grid and expands it into its cells' recipes, the same in the form and the API.
 */

export const GRID_LIMITS = { cells: 64 } as const;

/** The recipes a grid can sweep: each cell holds one picture. */
export type GridRecipe = Extract<Recipe, { procedure: "generate" | "sdedit" }>;
export type AxisValue = number | string;

interface AxisParam {
  /** How the grid's labels name it. */
  readonly label: string;
  /** Its name in the `parameters` line's X/Y plot fields (AUTOMATIC1111's). */
  readonly a1111: string;
  readonly kind: "number" | "text";
  /** Procedures whose recipe has it. */
  readonly procedures: readonly GridRecipe["procedure"][];
  /** One value's schema: its messages name the recipe's field and its range. */
  readonly value: z.ZodType<AxisValue>;
  apply(r: GridRecipe, v: AxisValue): GridRecipe;
}

const BOTH = ["generate", "sdedit"] as const;

/** What an axis can sweep. A new recipe field (a sampler, say) becomes an axis by adding an entry here. */
export const AXIS_PARAMS = {
  guidance: {
    label: "CFG γ",
    a1111: "CFG scale",
    kind: "number",
    procedures: BOTH,
    value: generateRecipe.shape.guidance,
    apply: (r, v) => ({ ...r, guidance: v as number }),
  },
  steps: {
    label: "Steps",
    a1111: "Steps",
    kind: "number",
    procedures: BOTH,
    value: generateRecipe.shape.steps,
    apply: (r, v) => ({ ...r, steps: v as number }),
  },
  seed: {
    label: "Seed",
    a1111: "Seed",
    kind: "number",
    procedures: BOTH,
    value: generateRecipe.shape.seed,
    apply: (r, v) => ({ ...r, seed: v as number }),
  },
  sampler: {
    label: "Sampler",
    a1111: "Sampler",
    kind: "text",
    procedures: BOTH,
    value: generateRecipe.shape.sampler.unwrap(),
    apply: (r, v) => ({ ...r, sampler: v as GridRecipe["sampler"] }),
  },
  modelId: {
    label: "Model",
    a1111: "Checkpoint name",
    kind: "text",
    procedures: BOTH,
    value: generateRecipe.shape.modelId,
    apply: (r, v) => ({ ...r, modelId: v as string }),
  },
  iStart: {
    label: "i_start",
    a1111: "Denoising start",
    kind: "number",
    procedures: ["sdedit"],
    value: sdeditRecipe.shape.iStarts.element,
    apply: (r, v) => (r.procedure === "sdedit" ? { ...r, iStarts: [v as number] } : r),
  },
} as const satisfies Record<string, AxisParam>;

export type AxisParamId = keyof typeof AXIS_PARAMS;
export const AXIS_PARAM_IDS = Object.keys(AXIS_PARAMS) as AxisParamId[];

function axisSchema(name: "x" | "y") {
  return z.object(
    {
      param: z.enum(AXIS_PARAM_IDS, { error: `${name}.param: one of ${AXIS_PARAM_IDS.join(", ")}` }),
      values: z
        .array(
          z.union([z.number(), text(`${name}.values`, { min: 1, max: 100, trim: true })], {
            error: `${name}.values: each value is a number or a model id`,
          }),
          { error: `${name}.values: a list of values` },
        )
        .min(1, `${name}.values: give at least one value`)
        .max(GRID_LIMITS.cells, `${name}.values: at most ${GRID_LIMITS.cells} values`),
    },
    { error: `${name}: an axis { param, values }` },
  );
}

const axes = { x: axisSchema("x"), y: axisSchema("y").optional() };

/** What `grids.create` takes: a generate or SDEdit recipe plus its axes (`x`, and `y` for a two-way grid). */
export const gridInput = z.discriminatedUnion("procedure", [generateRecipe.extend(axes), sdeditRecipe.extend(axes)], {
  error: "procedure: a grid sweeps a 'generate' or 'sdedit' recipe",
});
export type GridInput = z.infer<typeof gridInput>;

export interface GridAxis {
  readonly param: AxisParamId;
  readonly values: readonly AxisValue[];
}
export interface GridAxes {
  readonly x: GridAxis;
  readonly y?: GridAxis;
}
export interface GridCell {
  /** Column (x) and row (y) of the cell. */
  readonly x: number;
  readonly y: number;
  readonly recipe: GridRecipe;
}
export interface ExpandedGrid {
  readonly base: GridRecipe;
  readonly axes: GridAxes;
  /** Row by row: y outer, x inner. */
  readonly cells: readonly GridCell[];
}

/** Checks a grid (each value, the cell count, the base recipe) and makes each cell's recipe. Throws a field-named ApiError. */
export function expandGrid(input: GridInput): ExpandedGrid {
  const { x, y, ...base } = input;
  if (y && y.param === x.param) {
    bad(`y.param: x already sweeps ${AXIS_PARAMS[x.param].label}; pick another parameter`);
  }
  const xs = axisValues("x", x, base);
  const ys = y ? axisValues("y", y, base) : [undefined];
  const count = xs.length * ys.length;
  if (count > GRID_LIMITS.cells) {
    bad(
      `${y ? "y" : "x"}.values: ${xs.length} × ${ys.length} = ${count} cells; a grid holds at most ${GRID_LIMITS.cells}`,
    );
  }
  checkOnePicture(base, [x, y]);
  const cells: GridCell[] = [];
  ys.forEach((yv, row) => {
    xs.forEach((xv, col) => {
      let r = AXIS_PARAMS[x.param].apply(base, xv);
      if (y && yv !== undefined) r = AXIS_PARAMS[y.param].apply(r, yv);
      const parsed = recipeSchema.safeParse(r);
      if (!parsed.success)
        bad(`${parsed.error.issues[0]?.message ?? "input: invalid"} (${cellName({ x, y }, col, row)})`);
      cells.push({ x: col, y: row, recipe: parsed.data as GridRecipe });
    });
  });
  return { base, axes: y ? { x, y } : { x }, cells };
}

function axisValues(name: "x" | "y", axis: GridAxis, base: GridRecipe): AxisValue[] {
  const param = AXIS_PARAMS[axis.param];
  if (!(param.procedures as readonly string[]).includes(base.procedure)) {
    bad(`${name}.param: ${param.label} is swept on ${param.procedures.join(" or ")} recipes, not '${base.procedure}'`);
  }
  const seen = new Set<string>();
  return axis.values.map((v) => {
    const parsed = param.value.safeParse(v);
    if (!parsed.success)
      bad(`${name}.values: ${JSON.stringify(v)} is not allowed (${parsed.error.issues[0]?.message})`);
    const key = String(parsed.data);
    if (seen.has(key)) bad(`${name}.values: ${JSON.stringify(v)} is given twice`);
    seen.add(key);
    return parsed.data;
  });
}

/** A cell is one picture: one prompt, one image, one SDEdit level. */
function checkOnePicture(base: GridRecipe, swept: readonly (GridAxis | undefined)[]): void {
  if (base.procedure === "generate") {
    if (base.prompts.length !== 1) bad("prompts: a grid cell holds one picture; give one prompt");
    if (base.batch !== 1) bad("batch: a grid cell holds one picture; set batch to 1");
  } else if (!swept.some((a) => a?.param === "iStart") && base.iStarts.length !== 1) {
    bad("iStarts: a grid cell holds one SDEdit level; give one, or sweep i_start on an axis");
  }
}

/** "CFG γ 5", "Steps 20", "Model flow-class-d64". */
export function valueLabel(param: AxisParamId, value: AxisValue): string {
  return `${AXIS_PARAMS[param].label} ${value}`;
}

/** "CFG γ 5 × Steps 20": which cell a message is about. */
export function cellName(axes: GridAxes, col: number, row: number): string {
  const x = valueLabel(axes.x.param, axes.x.values[col]!);
  return axes.y ? `${x} × ${valueLabel(axes.y.param, axes.y.values[row]!)}` : x;
}

/** Comma-separated values typed in a form, as the axis's values (numbers for numeric parameters). */
export function parseAxisValues(name: "x" | "y", param: AxisParamId, typed: string): AxisValue[] {
  const parts = typed
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (AXIS_PARAMS[param].kind === "text") return parts;
  return parts.map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n)) bad(`${name}.values: '${s}' is not a number`);
    return n;
  });
}

/** Whether a cell's generation has ended (a grid is complete when every cell has). */
export function isFinished(status: JobState): boolean {
  return status === "done" || status === "error" || status === "cancelled";
}

function bad(message: string): never {
  throw new ApiError("BAD_REQUEST", message);
}
