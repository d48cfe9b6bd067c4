"use client";

import { PaintCanvas, type PaintCanvasHandle, type PaintTool } from "@diffusion-studio/ui";
import { type ReactNode, useRef, useState } from "react";
import { canvasCommand } from "./shortcut";
import { CanvasToolbar } from "./toolbar";

export interface PaintEditorProps {
  /** The image's own size: strokes are painted in its pixels whatever size the canvas is shown at. */
  width: number;
  height: number;
  mode: "sketch" | "mask";
  /** The source image under a mask. */
  background?: string;
  /** Accessible name of the canvas ("sketch canvas", "mask canvas"). */
  label: string;
  /** "Sketch" or "Mask": names the tools. */
  subject: string;
  /** Brush radius in image pixels to start with. */
  initialBrush: number;
  hint?: ReactNode;
  /** A PNG of what is drawn after each change; null when nothing is. */
  onChange: (png: Blob | null) => void;
}

/** A drawing canvas with its tools: brush or eraser, brush size, undo/redo (also from the keyboard), clear. */
export function PaintEditor({
  width,
  height,
  mode,
  background,
  label,
  subject,
  initialBrush,
  hint,
  onChange,
}: PaintEditorProps) {
  const canvas = useRef<PaintCanvasHandle>(null);
  const [tool, setTool] = useState<PaintTool>("brush");
  const [brush, setBrush] = useState(initialBrush);
  const [history, setHistory] = useState({ canUndo: false, canRedo: false });
  return (
    <fieldset
      aria-label={`${subject} editor`}
      className="flex w-full min-w-0 flex-col items-start gap-2"
      onKeyDown={(e) => {
        const command = canvasCommand(e);
        if (!command || (e.target instanceof HTMLInputElement && e.target.type !== "range")) return;
        e.preventDefault();
        if (command === "undo") canvas.current?.undo();
        else if (command === "redo") canvas.current?.redo();
        else setTool(command);
      }}
    >
      <PaintCanvas
        ref={canvas}
        width={width}
        height={height}
        mode={mode}
        background={background}
        brush={brush}
        tool={tool}
        label={label}
        onChange={onChange}
        onHistoryChange={setHistory}
      />
      <CanvasToolbar
        subject={subject}
        tool={tool}
        onTool={setTool}
        brush={brush}
        onBrush={setBrush}
        maxBrush={Math.max(4, Math.round(width / 4))}
        {...history}
        onUndo={() => canvas.current?.undo()}
        onRedo={() => canvas.current?.redo()}
        onClear={() => canvas.current?.clear()}
      />
      {hint && <p className="text-xs text-neutral-500">{hint}</p>}
    </fieldset>
  );
}
