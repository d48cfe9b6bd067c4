"use client";

import { Badge, Button, ImageTile, Notice, ProgressBar } from "@diffusion-studio/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useJob } from "@/hooks/use-job";
import { useTRPC } from "@/trpc/react";
import { tileSize } from "./tile-size";

/** The live view of one job: queue position, progress with x_t thumbnails, and results as they stream in. */
export function JobProgress({ id, imageSize = 112 }: { id: string; imageSize?: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const job = useJob(id, () => void queryClient.invalidateQueries({ queryKey: trpc.generations.list.queryKey() }));
  const cancel = useMutation(trpc.generations.cancel.mutationOptions());
  const active = job.state === "queued" || job.state === "running" || job.state === "connecting";
  // This component stays mounted when the form starts its next job: only a request for this job counts.
  const cancelling = (cancel.isPending || cancel.isSuccess) && cancel.variables?.id === id;
  return (
    <div className="flex flex-col gap-4" data-testid="job-progress" data-state={job.state}>
      <div className="flex items-center gap-3">
        <Badge
          tone={job.state === "done" ? "success" : job.state === "error" ? "error" : active ? "running" : "neutral"}
        >
          {job.state === "queued" ? `queued · #${job.position ?? "?"}` : job.state}
        </Badge>
        <div className="flex-1">
          {job.state === "running" && job.total > 0 && (
            <ProgressBar value={job.step / job.total} label={`step ${job.step}/${job.total}`} />
          )}
          {job.state === "done" && job.seconds !== undefined && (
            <span className="text-xs text-neutral-500">finished in {job.seconds.toFixed(1)} s</span>
          )}
        </div>
        {active && (
          <Button variant="ghost" size="sm" onClick={() => cancel.mutate({ id })} disabled={cancelling}>
            {cancelling ? "Cancelling…" : "Cancel"}
          </Button>
        )}
      </div>
      {job.error && (
        <Notice tone="error" title="The job failed">
          {job.error}
        </Notice>
      )}
      {job.previews.length > 0 && job.state === "running" && (
        <div className="flex flex-wrap gap-3">
          {job.previews.map((p) => (
            <ImageTile key={p.url} src={p.url} label={p.label} size={72} muted />
          ))}
        </div>
      )}
      {job.images.length > 0 && (
        <div className="flex flex-wrap gap-4" data-testid="job-images">
          {job.images.map((img) => (
            <ImageTile key={img.url} src={img.url} label={img.label} size={tileSize(img.width, imageSize)} />
          ))}
        </div>
      )}
    </div>
  );
}
