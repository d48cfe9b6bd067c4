"use client";

import { Badge, Button, ImageTile } from "@diffusion-studio/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ranInLabel } from "@/browser/browser-run-progress";
import type { RouterOutputs } from "@/trpc/react";
import { useTRPC } from "@/trpc/react";
import { JobProgress } from "./job-progress";
import { RecipeSummary } from "./recipe-summary";
import { ResultExtras } from "./result-extras";
import { tileSize } from "./tile-size";

export type Generation = RouterOutputs["generations"]["list"][number];

export interface GenerationCardProps {
  generation: Generation;
  imageSize?: number;
  /** Selection for side-by-side comparison. */
  selected?: boolean;
  onSelect?: (selected: boolean) => void;
}

/** One saved generation: its images, full recipe, and re-run / share / delete. */
export function GenerationCard({ generation: g, imageSize = 96, selected, onSelect }: GenerationCardProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [rerunJob, setRerunJob] = useState<{ id: string; label: string }>();
  const [copied, setCopied] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.generations.list.queryKey() });
  const rerun = useMutation(
    trpc.generations.rerun.mutationOptions({
      onSuccess: ({ id }) => setRerunJob({ id, label: "Re-run (same recipe, same seed)" }),
    }),
  );
  // Stage I is deterministic, so re-running with stage II on gives the same small images plus their upscaled copies.
  const upscale = useMutation(
    trpc.generations.create.mutationOptions({
      onSuccess: ({ id }) => setRerunJob({ id, label: "Same recipe with stage II upscaling" }),
    }),
  );
  const models = useQuery(trpc.models.list.queryOptions());
  const upscaler = models.data?.find((m) => m.id === g.modelId)?.upscale;
  const canUpscale = g.status === "done" && g.recipe.procedure === "generate" && !g.recipe.upscale && upscaler;
  const remove = useMutation(trpc.generations.delete.mutationOptions({ onSuccess: refresh }));
  const active = g.status === "queued" || g.status === "running";

  const shareLink = useMutation(trpc.sharing.link.mutationOptions());
  const share = async () => {
    // Signed by the server when a team token guards the portal, so the link works for people without it.
    const { path } = await shareLink.mutateAsync({ id: g.id }).catch(() => ({ path: `/g/${g.id}` }));
    const url = `${window.location.origin}${path}`;
    await navigator.clipboard?.writeText(url).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };

  return (
    <article
      className="rounded-xl border border-neutral-800 bg-neutral-900/60 p-4"
      data-testid="generation-card"
      data-id={g.id}
      data-status={g.status}
      data-ran-in={g.ranIn ? "browser" : "server"}
    >
      <div className="mb-3 flex items-center gap-2">
        <Badge tone={g.status === "done" ? "success" : g.status === "error" ? "error" : active ? "running" : "neutral"}>
          {g.status}
        </Badge>
        <span className="text-xs text-neutral-500">{new Date(g.createdAt).toLocaleString()}</span>
        {g.ranIn && (
          <span className="text-xs text-sky-300" data-testid="ran-in" title="Ran with onnxruntime-web in a browser tab">
            ran in {ranInLabel(g.ranIn)}
          </span>
        )}
        <div className="ml-auto flex items-center gap-1">
          {onSelect && (
            <label className="mr-2 flex items-center gap-1.5 text-xs text-neutral-400">
              <input type="checkbox" checked={selected} onChange={(e) => onSelect(e.target.checked)} />
              compare
            </label>
          )}
          <Button variant="ghost" size="sm" onClick={() => rerun.mutate({ id: g.id })} disabled={rerun.isPending}>
            Re-run
          </Button>
          {canUpscale && g.recipe.procedure === "generate" && (
            <Button
              variant="ghost"
              size="sm"
              disabled={upscale.isPending}
              onClick={() =>
                g.recipe.procedure === "generate" &&
                upscale.mutate({ ...g.recipe, upscale: { steps: upscaler.steps, guidance: upscaler.guidance } })
              }
            >
              Upscale to {upscaler.size}²
            </Button>
          )}
          <Button variant="ghost" size="sm" onClick={share}>
            {copied ? "Link copied" : "Share"}
          </Button>
          <Link href={`/g/${g.id}`} className="rounded-md px-2.5 py-1 text-xs text-neutral-300 hover:bg-neutral-800">
            Open
          </Link>
          <Button variant="danger" size="sm" onClick={() => remove.mutate({ id: g.id })} disabled={remove.isPending}>
            Delete
          </Button>
        </div>
      </div>
      {active ? (
        <JobProgress id={g.id} imageSize={imageSize} />
      ) : g.status === "error" ? (
        <p className="text-sm text-rose-300">{g.error}</p>
      ) : (
        <div className="flex flex-wrap items-end gap-6">
          <div className="flex flex-wrap gap-3">
            {g.images.map((img) => (
              <ImageTile key={img.url} src={img.url} label={img.label} size={tileSize(img.width, imageSize)} />
            ))}
          </div>
          <ResultExtras recipe={g.recipe} images={g.images} />
        </div>
      )}
      <div className="mt-3 border-t border-neutral-800 pt-3">
        <RecipeSummary recipe={g.recipe} />
      </div>
      {(rerun.error || remove.error || upscale.error) && (
        <p className="mt-2 text-xs text-rose-300">{(rerun.error ?? remove.error ?? upscale.error)?.message}</p>
      )}
      {rerunJob && (
        <div className="mt-3 border-t border-neutral-800 pt-3" data-testid="rerun">
          <p className="mb-2 text-xs text-neutral-400">{rerunJob.label}</p>
          <JobProgress id={rerunJob.id} imageSize={imageSize} />
        </div>
      )}
    </article>
  );
}
