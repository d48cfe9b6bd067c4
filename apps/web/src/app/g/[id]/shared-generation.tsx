"use client";

import { Notice } from "@diffusion-studio/ui";
import { useQuery } from "@tanstack/react-query";
import { GenerationCard } from "@/components/generation-card";
import { useTRPC } from "@/trpc/react";

export function SharedGeneration({ id }: { id: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.generations.get.queryOptions({ id }));
  if (q.isLoading) return <p className="text-sm text-neutral-500">Loading…</p>;
  if (q.error)
    return (
      <Notice tone="error" title="Not found">
        {q.error.message}
      </Notice>
    );
  return q.data ? <GenerationCard generation={q.data} imageSize={160} readOnly /> : null;
}
