"use client";

import { PixelImage } from "@diffusion-studio/ui";
import { useEffect, useState } from "react";
import type { View } from "@/shared/recipes";

/** CSS transforms for the views that are geometric, so the transition between them can be animated smoothly. */
const TRANSFORMS: Partial<Record<View, string>> = {
  identity: "none",
  flip: "scaleY(-1)",
  rot90: "rotate(90deg)",
  rot180: "rotate(180deg)",
  rot270: "rotate(270deg)",
  skew: "skewX(-20deg)",
};

/**
 * Turns an anagram from one view into the next and back, so its double reading shows. Views that are not plain
 * transforms (negate, jigsaw) cross-fade to the worker's rendering of that view instead.
 */
export function ViewAnimation({
  src,
  views,
  viewImages,
  size = 160,
}: {
  src: string;
  views: readonly { view: View; prompt: string }[];
  /** The worker's image of each view, by view name. */
  viewImages: Record<string, string>;
  size?: number;
}) {
  const [i, setI] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setI((n) => (n + 1) % views.length), 1800);
    return () => clearInterval(t);
  }, [views.length]);
  const current = views[i];
  if (!current) return null;
  const transform = TRANSFORMS[current.view];
  const fallback = viewImages[current.view];
  return (
    <figure className="flex flex-col items-center gap-2" data-testid="view-animation">
      <div className="relative overflow-hidden rounded-md" style={{ width: size, height: size }}>
        <div
          className="absolute inset-0 transition-transform duration-1000 ease-in-out"
          style={{ transform: transform ?? "none", filter: current.view === "negate" ? "invert(1)" : undefined }}
        >
          <PixelImage src={transform !== undefined || !fallback ? src : fallback} alt="anagram" size={size} />
        </div>
      </div>
      <figcaption className="text-xs text-neutral-400">
        {current.view}: “{current.prompt}”
      </figcaption>
    </figure>
  );
}
