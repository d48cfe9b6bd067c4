/**
 * Undo/redo for a drawing: the states before (`past`) and after (`future`) the one shown (`present`).
 * Pure and immutable, so it is easy to test and React can hold it in state. `past` is bounded: the oldest states
 * are dropped so a long session does not keep every stroke's pixels.
 */
export interface PaintHistory<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
}

/** How many undo steps a canvas keeps unless told otherwise. */
export const DEFAULT_HISTORY_LIMIT = 50;

export function startHistory<T>(present: T): PaintHistory<T> {
  return { past: [], present, future: [] };
}

/** A new state (a stroke, a clear): it becomes the present, and what was undone can no longer be redone. */
export function record<T>(h: PaintHistory<T>, next: T, limit = DEFAULT_HISTORY_LIMIT): PaintHistory<T> {
  const past = [...h.past, h.present];
  return { past: past.slice(Math.max(0, past.length - limit)), present: next, future: [] };
}

export function undo<T>(h: PaintHistory<T>): PaintHistory<T> {
  const previous = h.past.at(-1);
  if (previous === undefined) return h;
  return { past: h.past.slice(0, -1), present: previous, future: [h.present, ...h.future] };
}

export function redo<T>(h: PaintHistory<T>): PaintHistory<T> {
  const [next, ...rest] = h.future;
  if (next === undefined) return h;
  return { past: [...h.past, h.present], present: next, future: rest };
}

export const canUndo = <T>(h: PaintHistory<T>): boolean => h.past.length > 0;
export const canRedo = <T>(h: PaintHistory<T>): boolean => h.future.length > 0;
