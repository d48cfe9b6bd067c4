"use client";

import { type PointerEvent, type Ref, useCallback, useEffect, useImperativeHandle, useRef } from "react";
import { canRedo, canUndo, type PaintHistory, record, redo, startHistory, undo } from "./paint-history.js";

export type PaintTool = "brush" | "eraser";

/** What a toolbar can ask of the canvas. */
export interface PaintCanvasHandle {
  undo(): void;
  redo(): void;
  clear(): void;
}

export interface PaintCanvasProps {
  /** Logical size in image pixels (e.g. 28×28): strokes are painted in these coordinates, shown enlarged. */
  width: number;
  height: number;
  /** Largest displayed width in CSS pixels; narrower panels shrink the canvas to fit. */
  displaySize?: number;
  /**
   * `sketch`: white ink on black, like an MNIST digit (the course's hand-drawn inputs).
   * `mask`: paint over `background` the region to regenerate, shown as a red tint; exported white-on-black.
   */
  mode: "sketch" | "mask";
  /** Image shown under a mask. */
  background?: string;
  /** Brush radius in image pixels. */
  brush?: number;
  tool?: PaintTool;
  /** Called with a PNG (the sketch, or the mask) after each change, and with null when nothing is drawn. */
  onChange?: (png: Blob | null) => void;
  /** Called whenever undo or redo becomes possible or impossible. */
  onHistoryChange?: (state: { canUndo: boolean; canRedo: boolean }) => void;
  label: string;
  ref?: Ref<PaintCanvasHandle>;
}

type Point = { x: number; y: number };

/** A drawing surface for sketches and inpainting masks, with undo history, exported at the model's resolution. */
export function PaintCanvas({
  width,
  height,
  displaySize = 336,
  mode,
  background,
  brush = 1.4,
  tool = "brush",
  onChange,
  onHistoryChange,
  label,
  ref,
}: PaintCanvasProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const cursor = useRef<HTMLDivElement>(null);
  // One pointer paints at a time: a second finger on a phone must not draw a line to the first.
  const pointer = useRef<number | null>(null);
  const last = useRef<Point | null>(null);
  const history = useRef<PaintHistory<ImageData> | null>(null);

  const context = () => contextOf(canvas.current);

  const commit = useCallback(
    (next: PaintHistory<ImageData>) => {
      history.current = next;
      onHistoryChange?.({ canUndo: canUndo(next), canRedo: canRedo(next) });
    },
    [onHistoryChange],
  );

  /** Tells the form what is on the canvas now. */
  const publish = useCallback(() => {
    const c = canvas.current;
    if (c && onChange) void exportPng(c, mode).then(onChange);
  }, [mode, onChange]);

  const paintBlank = useCallback(() => {
    const ctx = contextOf(canvas.current);
    if (!ctx) return;
    ctx.globalCompositeOperation = "source-over";
    ctx.clearRect(0, 0, width, height);
    if (mode === "sketch") {
      ctx.fillStyle = "#000000";
      ctx.fillRect(0, 0, width, height);
    }
  }, [width, height, mode]);

  // A new size or mode is a new drawing, with its own history.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new canvas restarts the history
  useEffect(() => {
    paintBlank();
    const ctx = context();
    // A size of 0 (a recalled source whose image has not loaded yet) has no pixels to read; no history until it has.
    if (ctx && width > 0 && height > 0) commit(startHistory(ctx.getImageData(0, 0, width, height)));
  }, [paintBlank]);

  const show = (h: PaintHistory<ImageData>) => {
    if (h === history.current) return;
    context()?.putImageData(h.present, 0, 0);
    commit(h);
    publish();
  };

  useImperativeHandle(ref, () => ({
    undo: () => history.current && show(undo(history.current)),
    redo: () => history.current && show(redo(history.current)),
    clear: () => {
      const ctx = context();
      if (!ctx || !history.current) return;
      paintBlank();
      commit(record(history.current, ctx.getImageData(0, 0, width, height)));
      onChange?.(null);
    },
  }));

  const point = (e: { clientX: number; clientY: number }): Point => {
    const rect = canvas.current!.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) / rect.width) * width, y: ((e.clientY - rect.top) / rect.height) * height };
  };

  const stroke = (to: Point) => {
    const ctx = context();
    if (!ctx) return;
    const from = last.current ?? to;
    const erase = tool === "eraser";
    // A mask is erased to transparent (kept); a sketch is erased back to its black paper.
    ctx.globalCompositeOperation = erase && mode === "mask" ? "destination-out" : "source-over";
    ctx.strokeStyle = erase ? "#000000" : mode === "sketch" ? "#ffffff" : "rgb(244, 63, 94)";
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = brush * 2;
    ctx.beginPath();
    if (from === to) {
      // The first point of a stroke is a dot: canvas drops zero-length lines, so a tap or click would paint nothing.
      ctx.arc(to.x, to.y, brush, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x, to.y);
      ctx.stroke();
    }
    last.current = to;
  };

  const finish = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.pointerId !== pointer.current) return;
    pointer.current = null;
    last.current = null;
    const ctx = context();
    if (!ctx || !history.current) return;
    commit(record(history.current, ctx.getImageData(0, 0, width, height)));
    publish();
  };

  /** The ring that shows where, and how wide, the brush paints (mouse and pen only: a finger hides it). */
  const moveCursor = (e: PointerEvent<HTMLCanvasElement>) => {
    const ring = cursor.current;
    if (!ring) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const diameter = ((brush * 2) / width) * rect.width;
    ring.style.display = e.pointerType === "touch" ? "none" : "block";
    ring.style.width = ring.style.height = `${diameter}px`;
    ring.style.transform = `translate(${e.clientX - rect.left - diameter / 2}px, ${e.clientY - rect.top - diameter / 2}px)`;
  };

  return (
    <div
      className="relative w-full overflow-hidden rounded-lg ring-1 ring-neutral-700"
      style={{ maxWidth: displaySize, aspectRatio: `${width} / ${height}` }}
    >
      {background && (
        <img
          src={background}
          alt=""
          className="absolute inset-0 h-full w-full"
          style={{ imageRendering: "pixelated" }}
        />
      )}
      <canvas
        ref={canvas}
        width={width}
        height={height}
        aria-label={label}
        data-tool={tool}
        // Focusable, so its undo/redo shortcuts apply to this canvas and not to a text field.
        tabIndex={0}
        // touch-none: a finger paints instead of scrolling the page.
        className="absolute inset-0 h-full w-full cursor-crosshair touch-none outline-none focus-visible:ring-2 focus-visible:ring-indigo-400"
        style={{ imageRendering: "pixelated", opacity: mode === "mask" ? 0.55 : 1 }}
        onPointerDown={(e) => {
          if (pointer.current !== null || (e.pointerType === "mouse" && e.button !== 0)) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          e.currentTarget.focus({ preventScroll: true });
          pointer.current = e.pointerId;
          stroke(point(e));
        }}
        onPointerMove={(e) => {
          moveCursor(e);
          if (e.pointerId !== pointer.current) return;
          // Every sample the browser collected since the last event, so fast strokes stay smooth.
          const samples = e.nativeEvent.getCoalescedEvents?.() ?? [];
          for (const s of samples.length > 0 ? samples : [e]) stroke(point(s));
        }}
        onPointerUp={finish}
        onPointerCancel={finish}
        onLostPointerCapture={finish}
        onPointerLeave={() => {
          if (cursor.current) cursor.current.style.display = "none";
        }}
      />
      <div
        ref={cursor}
        aria-hidden
        className="pointer-events-none absolute top-0 left-0 hidden rounded-full ring-1 ring-white/80 mix-blend-difference"
      />
    </div>
  );
}

/** Read back after every stroke (history, export), so the browser keeps the pixels on the CPU. */
function contextOf(c: HTMLCanvasElement | null): CanvasRenderingContext2D | null {
  return c?.getContext("2d", { willReadFrequently: true }) ?? null;
}

/** The sketch as drawn, or the mask as white (regenerate) on black (keep); null when nothing is drawn. */
async function exportPng(c: HTMLCanvasElement, mode: "sketch" | "mask"): Promise<Blob | null> {
  const from = contextOf(c)!.getImageData(0, 0, c.width, c.height);
  // Sketch: any ink on the black paper; mask: a pixel the export below turns white.
  const [channel, above] = mode === "mask" ? [3, 127] : [0, 0];
  let drawn = false;
  for (let i = channel; i < from.data.length && !drawn; i += 4) drawn = from.data[i]! > above;
  if (!drawn) return null;
  let source = c;
  if (mode === "mask") {
    source = document.createElement("canvas");
    source.width = c.width;
    source.height = c.height;
    const out = new ImageData(c.width, c.height);
    for (let i = 0; i < from.data.length; i += 4) {
      const v = from.data[i + 3]! > 127 ? 255 : 0;
      out.data[i] = v;
      out.data[i + 1] = v;
      out.data[i + 2] = v;
      out.data[i + 3] = 255;
    }
    source.getContext("2d")!.putImageData(out, 0, 0);
  }
  return new Promise((resolve) => source.toBlob(resolve, "image/png"));
}
