"use client";

import { useEffect, useSyncExternalStore } from "react";

/**
 * Which jobs a page already follows live (a form's "Generating" panel), so a history card of the same job shows a
 * short note instead of a second progress view and a second event stream.
 */
const shown = new Map<string, number>();
const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

/** Marks `id` as followed live while the calling component is mounted. */
export function useShowsJobLive(id: string | undefined, enabled = true): void {
  useEffect(() => {
    if (!id || !enabled) return;
    shown.set(id, (shown.get(id) ?? 0) + 1);
    notify();
    return () => {
      const left = (shown.get(id) ?? 1) - 1;
      if (left > 0) shown.set(id, left);
      else shown.delete(id);
      notify();
    };
  }, [id, enabled]);
}

/** Whether another view on this page already follows job `id` live. */
export function useJobShownLive(id: string): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => shown.has(id),
    () => false,
  );
}
