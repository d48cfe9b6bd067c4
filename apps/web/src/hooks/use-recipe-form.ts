"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { z } from "zod";
import type { Recipe } from "@/shared/recipes";
import { useTRPC } from "@/trpc/react";

export type FieldErrors = Record<string, string>;

/** "steps: must be a whole number between 1 and 1000" → { steps: "…" }; messages without a field go under "form". */
export function fieldOf(message: string): string {
  const m = /^([A-Za-z]+):/.exec(message);
  return m?.[1] ?? "form";
}

/**
 * Validates a recipe with the same zod schema the API uses (instant, field-level messages), then submits it. Errors
 * the server finds (unknown model, wrong mask size, busy) are shown the same way.
 */
export function useRecipeForm<S extends z.ZodType<Recipe>>(schema: S) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [jobId, setJobId] = useState<string>();
  const create = useMutation(
    trpc.generations.create.mutationOptions({
      onSuccess: ({ id }) => {
        setJobId(id);
        void queryClient.invalidateQueries({ queryKey: trpc.generations.list.queryKey() });
      },
      onError: (err) => setErrors({ [fieldOf(err.message)]: err.message }),
    }),
  );

  /** Validates `candidate`; a valid recipe goes to `run` when given (e.g. "Run in this browser"), else to the server. */
  const submit = (candidate: unknown, run?: (recipe: z.infer<S>) => void) => {
    const parsed = schema.safeParse(candidate);
    if (!parsed.success) {
      const next: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const key = fieldOf(issue.message) === "form" ? String(issue.path[0] ?? "form") : fieldOf(issue.message);
        next[key] ??= issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    if (run) run(parsed.data);
    else create.mutate(parsed.data);
  };

  return { submit, errors, setErrors, jobId, pending: create.isPending };
}
