"use client";

import { PixelImage } from "@diffusion-studio/ui";
import type { JobImage } from "@/shared/jobs";
import type { Recipe } from "@/shared/recipes";
import { ViewAnimation } from "./view-animation";

/** Extra ways to look at illusions: anagrams animated between views, hybrids at two viewing distances. */
export function ResultExtras({ recipe, images }: { recipe: Recipe; images: readonly JobImage[] }) {
  const first = images[0];
  if (!first) return null;
  if (recipe.procedure === "anagram") {
    const byView = Object.fromEntries(images.map((i) => [i.label.split(":")[0]!, i.url]));
    return <ViewAnimation src={first.url} views={recipe.parts} viewImages={byView} />;
  }
  if (recipe.procedure === "hybrid") {
    return (
      <div className="flex items-end gap-6" data-testid="hybrid-scales">
        <figure className="flex flex-col items-center gap-1" data-testid="hybrid-near">
          <PixelImage src={first.url} alt="hybrid up close" size={192} />
          <figcaption className="text-xs text-neutral-400">up close: “{recipe.highPrompt}”</figcaption>
        </figure>
        <figure className="flex flex-col items-center gap-1" data-testid="hybrid-far">
          {/* biome-ignore lint/performance/noImgElement: a small, smoothly scaled copy is the "from afar" view */}
          <img src={first.url} alt="hybrid from afar" width={24} height={24} className="rounded-sm" />
          <figcaption className="text-xs text-neutral-400">from afar: “{recipe.lowPrompt}”</figcaption>
        </figure>
      </div>
    );
  }
  return null;
}
