export interface PixelImageProps {
  src: string;
  alt: string;
  /** Displayed edge length in CSS pixels; small images (28², 64²) are enlarged with crisp pixels. */
  size?: number;
  className?: string;
}

/** An image shown enlarged without smoothing, the way MNIST digits and 64² samples should be looked at. */
export function PixelImage({ src, alt, size = 112, className = "" }: PixelImageProps) {
  return (
    <img
      src={src}
      alt={alt}
      width={size}
      height={size}
      style={{ imageRendering: "pixelated" }}
      className={`rounded-md bg-neutral-900 ${className}`}
    />
  );
}
