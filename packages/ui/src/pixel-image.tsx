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
      style={{ imageRendering: "pixelated", height: fit === "square" ? size : "auto" }}
      className={`rounded-md bg-neutral-900 ${className}`}
    />
  );
}
