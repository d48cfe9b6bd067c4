"use client";

import { Badge, Button, ImageTile, Notice, ProgressBar } from "@diffusion-studio/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useShowsJobLive } from "@/hooks/live-jobs";
import { useJob } from "@/hooks/use-job";
import { progressWording, queueWording } from "@/shared/progress-wording";
import { useTRPC } from "@/trpc/react";
import { tileSize } from "./tile-size";

export interface JobProgressProps {
  id: string;
  imageSize?: number;
  /**
   * This view is the page's live one for the job (a form's panel): history cards of the same job then leave the
   * progress to it. History cards themselves pass false.
   */
  primary?: boolean;
}

/** The live view of one job: queue position, progress with x_t thumbnails, and results as they stream in. */
export function JobProgress({ id, imageSize = 112, primary = true }: JobProgressProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useShowsJobLive(id, primary);
  const job = useJob(id, () => void queryClient.invalidateQueries({ queryKey: trpc.generations.list.queryKey() }));
  const cancel = useMutation(trpc.generations.cancel.mutationOptions());
  const active = job.state === "queued" || job.state === "running" || job.state === "connecting";
  // This component stays mounted when the form starts its next job: only a request for this job counts.
  const cancelling = (cancel.isPending || cancel.isSuccess) && cancel.variables?.id === id;
  return (
    <div className="flex flex-col gap-4" data-testid="job-progress" data-state={job.state}>
      <div className="flex flex-wrap items-center gap-3">
        <Badge
          tone={job.state === "done" ? "success" : job.state === "error" ? "error" : active ? "running" : "neutral"}
        >
          <span data-testid="job-state">{job.state === "queued" ? queueWording(job.position) : job.state}</span>
        </Badge>
        <div className="min-w-40 flex-1" data-testid="job-step">
          {job.state === "running" && job.total > 0 && (
            <ProgressBar value={job.step / job.total} label={progressWording(job.step, job.total, job.stage)} />
          )}
          {job.state === "running" && job.total === 0 && <span className="text-xs text-neutral-400">starting…</span>}
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
