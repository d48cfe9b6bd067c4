"use client";

import { Badge, Notice, Panel } from "@diffusion-studio/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { AXIS_PARAMS, isFinished, valueLabel } from "@/shared/grids";
import { useTRPC } from "@/trpc/react";

/** A grid as it fills in: axis values along the top and the left, each cell's picture once its job is done. */
export function GridView({ id }: { id: string }) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.grids.get.queryOptions({ id }),
    // Cells finish one by one; poll until every cell has ended.
    refetchInterval: (query) => (query.state.data?.cells.every((c) => isFinished(c.status)) ? false : 1000),
  });
  if (q.isError)
    return (
      <Notice tone="error" title="Grid not found">
        {q.error.message}
      </Notice>
    );
  const grid = q.data;
  if (!grid) return <p className="text-sm text-neutral-500">Loading the grid…</p>;
  const { x, y } = grid.axes;
  const done = grid.cells.filter((c) => c.status === "done").length;
  const complete = grid.cells.every((c) => isFinished(c.status));
  const rows = y ? y.values : [undefined];
  const base = grid.base;
  const title = [x, y].flatMap((a) => (a ? [AXIS_PARAMS[a.param].label] : [])).join(" × ");

  return (
    <Panel
      title={`${title} · ${base.procedure === "generate" ? base.prompts[0] || "no prompt" : base.prompt} · ${base.modelId}`}
      actions={
        complete ? (
          <a
            href={`/api/grids/${grid.id}/download`}
            download
            className="rounded-md bg-indigo-500 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-400"
          >
            Download grid
          </a>
        ) : (
          <Badge>
            {done} of {grid.cells.length} done
          </Badge>
        )
      }
    >
      <div
        className="grid items-center gap-1.5 text-xs"
        style={{ gridTemplateColumns: `${y ? "auto " : ""}repeat(${x.values.length}, minmax(0, 9rem))` }}
        data-testid="grid"
        data-complete={complete}
      >
        {y && (
          <span className="text-neutral-500">{`${AXIS_PARAMS[y.param].label} ↓ ${AXIS_PARAMS[x.param].label} →`}</span>
        )}
        {x.values.map((v) => (
          <span key={String(v)} className="truncate text-center text-indigo-200" data-testid="grid-col-label">
            {valueLabel(x.param, v)}
          </span>
        ))}
        {rows.map((yv, row) => [
          y && yv !== undefined && (
            <span key={`row-${row}`} className="pr-1 text-right text-indigo-200" data-testid="grid-row-label">
              {valueLabel(y.param, yv)}
            </span>
          ),
          ...grid.cells
            .filter((c) => c.y === row)
            .map((c) => (
              <Link
                key={c.id}
                href={`/g/${c.id}`}
                className="relative block aspect-square overflow-hidden rounded-md bg-neutral-900 ring-1 ring-neutral-800"
                data-testid="grid-cell"
                data-status={c.status}
                title={c.error ?? c.status}
              >
                {c.image ? (
                  // biome-ignore lint/performance/noImgElement: tiny generated PNGs shown pixel for pixel
                  <img
                    src={c.image.url}
                    alt={`${valueLabel(x.param, x.values[c.x]!)}${y ? `, ${valueLabel(y.param, y.values[c.y]!)}` : ""}`}
                    className="h-full w-full"
                    style={{ imageRendering: "pixelated" }}
                  />
                ) : (
                  <span
                    className={`absolute inset-0 grid place-items-center ${c.status === "error" ? "text-rose-300" : "text-neutral-500"}`}
                  >
                    {c.status === "running" ? "running…" : c.status}
                  </span>
                )}
              </Link>
            )),
        ])}
      </div>
      <p className="mt-3 text-xs text-neutral-500">
        Each cell is a generation of its own: click one for its page (recipe, re-run, downloads).
      </p>
    </Panel>
  );
}
