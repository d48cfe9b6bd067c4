"use client";

import { type PointerEvent, useCallback, useEffect, useRef } from "react";

export interface PaintCanvasProps {
  /** Logical size in image pixels (e.g. 28×28); the canvas is shown enlarged with crisp pixels. */
  width: number;
  height: number;
  /** Displayed edge length in CSS pixels. */
  displaySize?: number;
  /**
   * `sketch`: white ink on black, like an MNIST digit (the course's hand-drawn inputs).
   * `mask`: paint over `background` the region to regenerate; exported white-on-black.
   */
  mode: "sketch" | "mask";
  /** Image shown under a mask. */
  background?: string;
  /** Brush radius in image pixels. */
  brush?: number;
  /** Called with a PNG (the sketch, or the mask) after each stroke, and with null after clear. */
  onChange?: (png: Blob | null) => void;
  /** Increment to clear the canvas from outside. */
  clearSignal?: number;
  label: string;
}

/** A drawing surface for sketches and inpainting masks, exported at the model's resolution. */
export function PaintCanvas({
  width,
  height,
  displaySize = 336,
  mode,
  background,
  brush = 1.4,
  onChange,
  clearSignal = 0,
  label,
}: PaintCanvasProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const last = useRef<{ x: number; y: number } | null>(null);
  const ink = mode === "sketch" ? "#ffffff" : "rgba(244, 63, 94, 1)";

  const reset = useCallback(() => {
    const ctx = canvas.current?.getContext("2d");
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    if (mode === "sketch") {
      ctx.fillStyle = "#000000";
      ctx.fillRect(0, 0, width, height);
    }
  }, [width, height, mode]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: clearing is triggered by the signal's change
  useEffect(() => {
    reset();
    if (clearSignal > 0) onChange?.(null);
  }, [reset, clearSignal]);

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) / rect.width) * width, y: ((e.clientY - rect.top) / rect.height) * height };
  };

  const stroke = (to: { x: number; y: number }) => {
    const ctx = canvas.current?.getContext("2d");
    if (!ctx) return;
    const from = last.current ?? to;
    ctx.strokeStyle = ink;
    ctx.fillStyle = ink;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = brush * 2;
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last.current = to;
  };

  const finish = () => {
    if (!drawing.current) return;
    drawing.current = false;
    last.current = null;
    const c = canvas.current;
    if (c && onChange) void exportPng(c, mode).then(onChange);
  };

  return (
    <div
      className="relative overflow-hidden rounded-lg ring-1 ring-neutral-700"
      style={{ width: displaySize, height: (displaySize * height) / width }}
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
        className="absolute inset-0 h-full w-full cursor-crosshair touch-none"
        style={{ imageRendering: "pixelated", opacity: mode === "mask" ? 0.6 : 1 }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          drawing.current = true;
          stroke(point(e));
        }}
        onPointerMove={(e) => drawing.current && stroke(point(e))}
        onPointerUp={finish}
        onPointerLeave={finish}
      />
    </div>
  );
}

/** The sketch as drawn, or the mask as white (regenerate) on black (keep). */
async function exportPng(c: HTMLCanvasElement, mode: "sketch" | "mask"): Promise<Blob | null> {
  let source = c;
  if (mode === "mask") {
    source = document.createElement("canvas");
    source.width = c.width;
    source.height = c.height;
    const from = c.getContext("2d")!.getImageData(0, 0, c.width, c.height);
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
