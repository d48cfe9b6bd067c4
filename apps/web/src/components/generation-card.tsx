"use client";

import { Badge, Button, ImageTile } from "@diffusion-studio/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ranInLabel } from "@/browser/browser-run-progress";
import { useJobShownLive } from "@/hooks/live-jobs";
import { PAGE_OF, sendRecipe, sendSource } from "@/hooks/recipe-inbox";
import { imageFileName } from "@/shared/image-recipe";
import type { RouterOutputs } from "@/trpc/react";
import { useTRPC } from "@/trpc/react";
import { JobProgress } from "./job-progress";
import { RecipeSummary } from "./recipe-summary";
import { ResultExtras } from "./result-extras";
import { tileSize } from "./tile-size";
import { offerUndo } from "./undo-delete";

export type Generation = RouterOutputs["generations"]["list"][number];

export interface GenerationCardProps {
  generation: Generation;
  imageSize?: number;
  /** Selection for side-by-side comparison. */
  selected?: boolean;
  onSelect?: (selected: boolean) => void;
  /** A shared `/g/<id>` page: look, download and load the recipe, but no re-run, upscale or delete. */
  readOnly?: boolean;
}

/** One saved generation: its images, full recipe, and re-run / share / delete. */
export function GenerationCard({ generation: g, imageSize = 96, selected, onSelect, readOnly }: GenerationCardProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const [opened, setOpened] = useState<number>();
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
  const remove = useMutation(
    trpc.generations.delete.mutationOptions({
      onSuccess: () => {
        offerUndo({ id: g.id, what: `the ${g.procedure} of ${new Date(g.createdAt).toLocaleString()}` });
        return refresh();
      },
    }),
  );
  const confirmDelete = () => {
    if (window.confirm(`Delete this ${g.procedure} (${g.images.length} images)? You can undo it for a few seconds.`))
      remove.mutate({ id: g.id });
  };
  const editRecipe = () => {
    sendRecipe(g.recipe, "history");
    router.push(PAGE_OF[g.recipe.procedure]);
  };
  const download = `/api/generations/${g.id}/download`;
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
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <Badge tone={g.status === "done" ? "success" : g.status === "error" ? "error" : active ? "running" : "neutral"}>
          {g.status}
        </Badge>
        <span className="text-xs text-neutral-500">{new Date(g.createdAt).toLocaleString()}</span>
        {g.ranIn && (
          <span className="text-xs text-sky-300" data-testid="ran-in" title="Ran with onnxruntime-web in a browser tab">
            ran in {ranInLabel(g.ranIn)}
          </span>
        )}
        <div className="ml-auto flex flex-wrap items-center justify-end gap-1">
          {onSelect && !readOnly && (
            <label className="mr-2 flex items-center gap-1.5 text-xs text-neutral-400">
              <input type="checkbox" checked={selected} onChange={(e) => onSelect(e.target.checked)} />
              compare
            </label>
          )}
          {!readOnly && (
            <Button variant="ghost" size="sm" onClick={() => rerun.mutate({ id: g.id })} disabled={rerun.isPending}>
              Re-run
            </Button>
          )}
          <Button variant="ghost" size="sm" onClick={editRecipe}>
            Edit recipe
          </Button>
          {canUpscale && !readOnly && g.recipe.procedure === "generate" && (
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
          {!readOnly && (
            <Button variant="danger" size="sm" onClick={confirmDelete} disabled={remove.isPending}>
              Delete
            </Button>
          )}
        </div>
      </div>
      {active ? (
        <LiveStatus id={g.id} imageSize={imageSize} />
      ) : g.status === "error" ? (
        <p className="text-sm text-rose-300">{g.error}</p>
      ) : (
        <div className="flex flex-wrap items-end gap-6">
          <div className="flex flex-wrap gap-3">
            {g.images.map((img, k) => (
              <button
                key={img.url}
                type="button"
                className="rounded-md focus-visible:ring-2 focus-visible:ring-indigo-400"
                title="Open full size"
                data-testid="result-image"
                onClick={() => setOpened(k)}
              >
                <ImageTile src={img.url} label={img.label} size={tileSize(img.width, imageSize)} />
              </button>
            ))}
          </div>
          <ResultExtras recipe={g.recipe} images={g.images} />
        </div>
      )}
      {g.status === "done" && g.images.length > 0 && (
        <div className="mt-3 flex flex-wrap items-center gap-3 text-xs text-neutral-400">
          <span>Download:</span>
          <a className="text-indigo-300 hover:underline" href={`${download}?format=zip`} download>
            all images (zip)
          </a>
          <a className="text-indigo-300 hover:underline" href={`${download}?format=sheet`} download>
            contact sheet (PNG)
          </a>
          <span className="text-neutral-500">Each PNG carries its recipe: drop it on any page to load it.</span>
        </div>
      )}
      {opened !== undefined && g.images[opened] && (
        <ImageViewer
          generation={g}
          index={opened}
          onIndex={setOpened}
          onClose={() => setOpened(undefined)}
          onSource={(target) => {
            const img = g.images[opened]!;
            sendSource({ url: img.url, note: `Result “${img.label}” sent here as the source image.` });
            router.push(target === "lab" ? "/lab" : `/edits?mode=${target}`);
          }}
        />
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

/** A running card's progress, unless the page already follows the job live (its form's panel): shown once. */
function LiveStatus({ id, imageSize }: { id: string; imageSize: number }) {
  const shownLive = useJobShownLive(id);
  if (!shownLive) return <JobProgress id={id} imageSize={imageSize} primary={false} />;
  return (
    <p className="text-sm text-neutral-400" data-testid="progress-elsewhere">
      In progress: followed live in the panel above.
    </p>
  );
}

/** An image at full size (fitted to the screen, crisp pixels), with its download and send-to actions. */
function ImageViewer({
  generation: g,
  index,
  onIndex,
  onClose,
  onSource,
}: {
  generation: Generation;
  index: number;
  onIndex: (k: number) => void;
  onClose: () => void;
  onSource: (target: "sdedit" | "inpaint" | "lab") => void;
}) {
  const img = g.images[index]!;
  const name = imageFileName(g.recipe, g.modelId, img.label, index);
  const link = "rounded-md bg-neutral-800 px-3 py-1.5 text-sm text-neutral-100 hover:bg-neutral-700";
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-label={`${img.label}, full size`}
      data-testid="image-viewer"
      className="fixed inset-0 z-50 flex flex-col items-center justify-center gap-4 bg-black/85 p-4"
      onClick={(e) => e.target === e.currentTarget && onClose()}
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
        if (e.key === "ArrowRight" && index + 1 < g.images.length) onIndex(index + 1);
        if (e.key === "ArrowLeft" && index > 0) onIndex(index - 1);
      }}
    >
      {/* biome-ignore lint/performance/noImgElement: generated pixels at full size, no optimisation wanted */}
      <img
        src={img.url}
        alt={img.label}
        className="max-h-[70vh] w-[min(90vw,70vh)] object-contain [image-rendering:pixelated]"
      />
      <p className="text-sm text-neutral-300">
        {img.label} · {img.width}×{img.height} · {index + 1} of {g.images.length}
      </p>
      <div className="flex flex-wrap justify-center gap-2">
        <a className={link} href={`/api/generations/${g.id}/download?format=image&n=${index}`} download={name}>
          Download {name}
        </a>
        <button type="button" className={link} onClick={() => onSource("sdedit")}>
          Use as source: SDEdit
        </button>
        <button type="button" className={link} onClick={() => onSource("inpaint")}>
          Use as source: Inpaint
        </button>
        <button type="button" className={link} onClick={() => onSource("lab")}>
          Use in the Lab
        </button>
        {index > 0 && (
          <button type="button" className={link} onClick={() => onIndex(index - 1)}>
            ← Previous
          </button>
        )}
        {index + 1 < g.images.length && (
          <button type="button" className={link} onClick={() => onIndex(index + 1)}>
            Next →
          </button>
        )}
        <button type="button" className={link} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
