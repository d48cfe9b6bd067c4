"use client";

import { ImageTile, Panel } from "@diffusion-studio/ui";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Procedure } from "@/shared/recipes";
import { useTRPC } from "@/trpc/react";
import { type Generation, GenerationCard } from "./generation-card";
import { RecipeSummary } from "./recipe-summary";
import { tileSize } from "./tile-size";

/** The saved history for some procedures, newest first, with a side-by-side comparison of two picks. */
export function GenerationList({
  procedures,
  title = "History",
  imageSize,
}: {
  procedures: Procedure[];
  title?: string;
  imageSize?: number;
}) {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.generations.list.queryOptions({ procedures, limit: 30 }), refetchInterval: 4000 });
  const [picked, setPicked] = useState<string[]>([]);
  const items = list.data ?? [];
  const compare = picked.map((id) => items.find((g) => g.id === id)).filter((g): g is Generation => Boolean(g));

  return (
    <div className="flex flex-col gap-4">
      {compare.length === 2 && (
        <Panel title="Side by side">
          <div className="grid grid-cols-2 gap-6" data-testid="compare">
            {compare.map((g) => (
              <div key={g.id} className="flex flex-col gap-3">
                <div className="flex flex-wrap gap-3">
                  {g.images.map((img) => (
                    <ImageTile
                      key={img.url}
                      src={img.url}
                      label={img.label}
                      size={tileSize(img.width, imageSize ?? 96)}
                    />
                  ))}
                </div>
                <RecipeSummary recipe={g.recipe} />
              </div>
            ))}
          </div>
        </Panel>
      )}
      <h2 className="text-sm font-semibold tracking-wide text-neutral-300">{title}</h2>
      {list.isLoading && <p className="text-sm text-neutral-500">Loading…</p>}
      {!list.isLoading && items.length === 0 && (
        <p className="rounded-xl border border-dashed border-neutral-800 px-4 py-8 text-center text-sm text-neutral-500">
          Nothing here yet. Results are saved with their full recipe and appear here.
        </p>
      )}
      {items.map((g) => (
        <GenerationCard
          key={g.id}
          generation={g}
          imageSize={imageSize}
          selected={picked.includes(g.id)}
          onSelect={(on) =>
            setPicked((p) => (on ? [...p.filter((x) => x !== g.id), g.id].slice(-2) : p.filter((x) => x !== g.id)))
          }
        />
      ))}
    </div>
  );
}
