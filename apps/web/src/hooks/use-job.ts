"use client";

import { skipToken } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import type { JobEvent, JobImage, JobState, ProgressStage } from "@/shared/jobs";
import { useTRPC } from "@/trpc/react";

export interface JobView {
  state: JobState | "connecting";
  position?: number;
  step: number;
  total: number;
  /** Which loop of several (an SDEdit sweep's level) `step` counts in. */
  stage?: ProgressStage;
  previews: readonly JobImage[];
  images: readonly JobImage[];
  error?: string;
  seconds?: number;
}

const INITIAL: JobView = { state: "connecting", step: 0, total: 0, previews: [], images: [] };

function reduce(view: JobView, e: JobEvent): JobView {
  switch (e.type) {
    case "queued":
      return { ...view, state: "queued", position: e.position };
    case "started":
      // A retry starts over: what an earlier attempt streamed is replaced.
      return { ...view, state: "running", position: undefined, step: 0, previews: [], images: [] };
    case "retrying":
      return { ...view, state: "queued", position: undefined };
    case "progress":
      return { ...view, state: "running", step: e.step, total: e.total, stage: e.stage, previews: e.previews };
    case "image":
      return { ...view, images: [...view.images, e.image] };
    case "done":
      return { ...view, state: "done", images: e.images, seconds: e.seconds, step: view.total };
    case "error":
      return { ...view, state: "error", error: e.message };
    case "cancelled":
      return { ...view, state: "cancelled" };
  }
}

/** Follows a job's progress over the SSE subscription; results stream in as they are made. */
export function useJob(id: string | undefined, onFinished?: (view: JobView) => void): JobView {
  const trpc = useTRPC();
  const [view, setView] = useState<{ id?: string; view: JobView }>({ view: INITIAL });
  useSubscription(
    trpc.generations.events.subscriptionOptions(id ? { id } : skipToken, {
      onData: (tracked) => {
        setView((prev) => {
          const base = prev.id === id ? prev.view : INITIAL;
          const next = reduce(base, tracked.data);
          if (
            next.state !== base.state &&
            (next.state === "done" || next.state === "error" || next.state === "cancelled")
          ) {
            queueMicrotask(() => onFinished?.(next));
          }
          return { id, view: next };
        });
      },
    }),
  );
  return view.id === id ? view.view : INITIAL;
}
