import { PixelImage } from "./pixel-image.js";

export interface ImageTileProps {
  src: string;
  label: string;
  size?: number;
  /** A dimmer frame for intermediates (x_t previews) than for results. */
  muted?: boolean;
}

/** An enlarged image with its caption: one SDEdit level, one anagram view, one sample. */
export function ImageTile({ src, label, size = 112, muted = false }: ImageTileProps) {
  return (
    <figure className="flex flex-col items-center gap-1.5">
      <PixelImage
        src={src}
        alt={label}
        size={size}
        className={muted ? "opacity-80 ring-1 ring-neutral-800" : "ring-1 ring-neutral-700"}
      />
      <figcaption className="max-w-full truncate text-center text-xs text-neutral-400" style={{ width: size }}>
        {label}
      </figcaption>
    </figure>
  );
}
