"use client";

import { Button, ImageTile, Panel, Select, TextInput } from "@diffusion-studio/ui";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Procedure } from "@/shared/recipes";
import { useTRPC } from "@/trpc/react";
import { type Generation, GenerationCard } from "./generation-card";
import { RecipeSummary } from "./recipe-summary";
import { tileSize } from "./tile-size";
import { UndoToast } from "./undo-delete";

const PAGE_SIZE = 20;

/** The history's search: what the form holds, applied when submitted. */
interface Search {
  procedure: string;
  modelId: string;
  text: string;
  seed: string;
  from: string;
  to: string;
}
const NO_SEARCH: Search = { procedure: "", modelId: "", text: "", seed: "", from: "", to: "" };

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
  const [search, setSearch] = useState<Search>(NO_SEARCH);
  const [applied, setApplied] = useState<Search>(NO_SEARCH);
  const models = useQuery(trpc.models.list.queryOptions());
  const seed = /^\d+$/.test(applied.seed) ? Number(applied.seed) : undefined;
  const day = (d: string, plus = 0) => (d ? new Date(Date.parse(`${d}T00:00:00`) + plus).toISOString() : undefined);
  const input = {
    procedures: applied.procedure ? [applied.procedure as Procedure] : procedures,
    limit: PAGE_SIZE,
    ...(applied.modelId ? { modelId: applied.modelId } : {}),
    ...(applied.text.trim() ? { text: applied.text.trim() } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(applied.from ? { from: day(applied.from) } : {}),
    ...(applied.to ? { to: day(applied.to, 86_400_000) } : {}),
  };
  // Cursor paging by (createdAt, id) of the last row: rows created in the same millisecond are neither skipped nor shown twice.
  const list = useInfiniteQuery({
    ...trpc.generations.list.infiniteQueryOptions(input, {
      getNextPageParam: (page) => {
        const last = page.at(-1);
        return page.length === PAGE_SIZE && last ? { createdAt: last.createdAt, id: last.id } : undefined;
      },
    }),
    refetchInterval: 4000,
  });
  const [picked, setPicked] = useState<string[]>([]);
  const items = list.data?.pages.flat() ?? [];
  const filtered = JSON.stringify(applied) !== JSON.stringify(NO_SEARCH);
  /** A search field's value and change handler. */
  const bind = (key: keyof Search) => ({
    value: search[key],
    onChange: (e: { target: { value: string } }) => setSearch({ ...search, [key]: e.target.value }),
  });
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
      <form
        className="grid grid-cols-2 gap-2 rounded-xl border border-neutral-800 p-3 sm:grid-cols-3 xl:grid-cols-6"
        aria-label="Search the history"
        data-testid="history-search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(search);
        }}
      >
        <TextInput
          title="Search the prompts"
          placeholder="Prompt text"
          className="col-span-2 sm:col-span-1 xl:col-span-2"
          {...bind("text")}
        />
        <TextInput title="Filter by seed" placeholder="Seed" inputMode="numeric" {...bind("seed")} />
        {procedures.length > 1 && (
          <Select title="Filter by procedure" {...bind("procedure")}>
            <option value="">All {procedures.join(", ")}</option>
            {procedures.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </Select>
        )}
        <Select title="Filter by model" {...bind("modelId")}>
          <option value="">All models</option>
          {(models.data ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </Select>
        <div className="col-span-2 flex flex-wrap items-center gap-2 sm:col-span-3 xl:col-span-6">
          <DateFilter
            label="from"
            title="Created on or after"
            value={search.from}
            onChange={(from) => setSearch({ ...search, from })}
          />
          <DateFilter
            label="to"
            title="Created on or before"
            value={search.to}
            onChange={(to) => setSearch({ ...search, to })}
          />
          <div className="ml-auto flex gap-2">
            {filtered && (
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  setSearch(NO_SEARCH);
                  setApplied(NO_SEARCH);
                }}
              >
                Clear
              </Button>
            )}
            <Button type="submit" size="sm" variant="secondary">
              Search
            </Button>
          </div>
        </div>
      </form>
      {list.isLoading && <p className="text-sm text-neutral-500">Loading…</p>}
      {!list.isLoading && filtered && items.length === 0 && (
        <p className="text-sm text-neutral-500" data-testid="history-empty">
          Nothing matches this search.
        </p>
      )}
      {!list.isLoading && !filtered && items.length === 0 && (
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
      {list.hasNextPage && (
        <Button variant="secondary" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? "Loading…" : "Older results"}
        </Button>
      )}
      <UndoToast />
    </div>
  );
}

/** One end of the history's date range (a calendar day). */
function DateFilter(props: { label: string; title: string; value: string; onChange: (day: string) => void }) {
  return (
    <label className="flex items-center gap-1 text-xs text-neutral-400">
      {props.label}
      <input
        type="date"
        title={props.title}
        className="rounded-md bg-neutral-950 px-2 py-1 text-xs ring-1 ring-neutral-800"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}
