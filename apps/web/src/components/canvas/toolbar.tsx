"use client";

import { Button, cx, type PaintTool } from "@diffusion-studio/ui";

export interface CanvasToolbarProps {
  tool: PaintTool;
  onTool: (t: PaintTool) => void;
  /** Brush radius in image pixels, and the slider's range. */
  brush: number;
  onBrush: (radius: number) => void;
  maxBrush: number;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onClear: () => void;
  /** Names the canvas in the controls' accessible names ("Sketch", "Mask"). */
  subject: string;
}

/** Brush or eraser, brush size, undo/redo and clear for a drawing canvas. */
export function CanvasToolbar(p: CanvasToolbarProps) {
  const sizeId = `${p.subject.toLowerCase()}-brush-size`;
  return (
    <div className="flex w-full flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <fieldset className="flex rounded-lg bg-neutral-950 p-0.5 ring-1 ring-neutral-800">
          <legend className="sr-only">{p.subject} tool</legend>
          {(["brush", "eraser"] as const).map((t) => (
            <button
              key={t}
              type="button"
              aria-pressed={p.tool === t}
              title={t === "brush" ? "Brush (B)" : "Eraser (E)"}
              onClick={() => p.onTool(t)}
              className={cx(
                "rounded-md px-2.5 py-1 text-xs capitalize",
                p.tool === t ? "bg-neutral-700 text-white" : "text-neutral-400 hover:text-neutral-200",
              )}
            >
              {t}
            </button>
          ))}
        </fieldset>
        <Button variant="secondary" size="sm" onClick={p.onUndo} disabled={!p.canUndo} title="Undo (Ctrl/⌘+Z)">
          Undo
        </Button>
        <Button variant="secondary" size="sm" onClick={p.onRedo} disabled={!p.canRedo} title="Redo (Ctrl/⌘+Shift+Z)">
          Redo
        </Button>
        <Button variant="secondary" size="sm" onClick={p.onClear} aria-label={`Clear ${p.subject.toLowerCase()}`}>
          Clear
        </Button>
      </div>
      <div className="flex w-full max-w-[336px] items-center gap-2 text-xs text-neutral-400">
        <label htmlFor={sizeId} className="shrink-0">
          Brush size
        </label>
        <input
          id={sizeId}
          type="range"
          min={0.5}
          max={p.maxBrush}
          step={0.5}
          value={p.brush}
          onChange={(e) => p.onBrush(Number(e.target.value))}
          className="min-w-0 flex-1 accent-indigo-400"
        />
        <output htmlFor={sizeId} className="w-10 shrink-0 text-right tabular-nums">
          {p.brush * 2} px
        </output>
      </div>
    </div>
  );
}
