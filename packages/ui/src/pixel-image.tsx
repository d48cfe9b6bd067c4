export interface PixelImageProps {
  src: string;
  alt: string;
  /** Displayed width in CSS pixels; small images (28², 64²) are enlarged with crisp pixels. */
  size?: number;
  /**
   * `square` (default) shows a size × size tile; `natural` keeps the image's own aspect ratio (sample grids,
   * trajectories), with `size` as the width.
   */
  fit?: "square" | "natural";
  className?: string;
}

/** An image shown enlarged without smoothing, the way MNIST digits and 64² samples should be looked at. */
export function PixelImage({ src, alt, size = 112, fit = "square", className = "" }: PixelImageProps) {
  return (
    <img
      src={src}
      alt={alt}
      width={size}
      height={fit === "square" ? size : undefined}
      // Never wider than its column (a phone): the width and height attributes keep the aspect ratio as it shrinks.
      style={{
        imageRendering: "pixelated",
        maxWidth: "100%",
        height: "auto",
        aspectRatio: fit === "square" ? "1 / 1" : undefined,
      }}
      className={`rounded-md bg-neutral-900 ${className}`}
    />
  );
}
