"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { useTRPC } from "@/trpc/react";

/** How long the Undo of a delete is offered (the server keeps the row restorable for longer, see UNDO_MS). */
const UNDO_SHOWN_MS = 10_000;

interface Deleted {
  readonly id: string;
  readonly what: string;
}
let last: Deleted | undefined;
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
function setLast(d: Deleted | undefined) {
  last = d;
  for (const l of listeners) l();
}

/** Offers "Undo" for a generation that was just deleted. */
export function offerUndo(d: Deleted): void {
  setLast(d);
}

/** The "Deleted … Undo" toast, for ten seconds after a delete. */
export function UndoToast() {
  const deleted = useSyncExternalStore(
    subscribe,
    () => last,
    () => undefined,
  );
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const restore = useMutation(
    trpc.generations.restore.mutationOptions({
      onSuccess: () => {
        setLast(undefined);
        void queryClient.invalidateQueries({ queryKey: trpc.generations.list.queryKey() });
      },
    }),
  );
  useEffect(() => {
    if (!deleted) return;
    const t = setTimeout(() => setLast(undefined), UNDO_SHOWN_MS);
    return () => clearTimeout(t);
  }, [deleted]);
  if (!deleted) return null;
  return (
    <div
      role="status"
      data-testid="undo-toast"
      className="fixed bottom-14 left-1/2 z-40 flex -translate-x-1/2 items-center gap-4 rounded-lg bg-neutral-800 px-4 py-2.5 text-sm text-neutral-100 shadow-lg ring-1 ring-neutral-700"
    >
      <span>Deleted {deleted.what}.</span>
      <button
        type="button"
        className="font-semibold text-indigo-300 hover:underline"
        disabled={restore.isPending}
        onClick={() => restore.mutate({ id: deleted.id })}
      >
        Undo
      </button>
    </div>
  );
}
