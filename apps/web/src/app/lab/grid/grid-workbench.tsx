"use client";

import { Panel } from "@diffusion-studio/ui";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { AXIS_PARAMS } from "@/shared/grids";
import { useTRPC } from "@/trpc/react";
import { GridForm } from "./grid-form";
import { GridView } from "./grid-view";

/** The grid form, the grid shown (`?grid=<id>`, so a reload or a shared link shows it again) and recent grids. */
export function GridWorkbench() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [gridId, setGridId] = useState(useSearchParams().get("grid") ?? undefined);
  const recent = useQuery(trpc.grids.list.queryOptions({ limit: 8 }));
  const show = (id: string) => {
    setGridId(id);
    // The address follows without a navigation (no server round trip), so a reload shows the same grid.
    window.history.replaceState(null, "", `?grid=${id}`);
    void queryClient.invalidateQueries({ queryKey: trpc.grids.list.queryKey() });
  };

  return (
    <div className="grid grid-cols-1 gap-8 lg:grid-cols-[380px_1fr]">
      <GridForm onCreated={show} />
      <div className="flex min-w-0 flex-col gap-6">
        {gridId ? (
          <GridView id={gridId} />
        ) : (
          <p className="text-sm text-neutral-500">Run a grid: its cells appear here as they finish.</p>
        )}
        {recent.data && recent.data.length > 0 && (
          <Panel title="Recent grids">
            <ul className="flex flex-col gap-1 text-sm">
              {recent.data.map((g) => (
                <li key={g.id}>
                  <button
                    type="button"
                    onClick={() => show(g.id)}
                    className={g.id === gridId ? "text-white" : "text-indigo-300 hover:underline"}
                  >
                    {[g.axes.x, g.axes.y]
                      .flatMap((a) => (a ? [`${AXIS_PARAMS[a.param].label} ${a.values.join(", ")}`] : []))
                      .join(" × ")}
                  </button>{" "}
                  <span className="text-xs text-neutral-500">
                    {g.base.modelId} · {new Date(g.createdAt).toLocaleString()}
                  </span>
                </li>
              ))}
            </ul>
          </Panel>
        )}
      </div>
    </div>
  );
}
