"use client";

import { Notice } from "@diffusion-studio/ui";
import { type Uploaded, useUpload } from "@/hooks/use-upload";
import { PaintEditor } from "./canvas/paint-editor";

/** Paint, over the source image, the region inpainting should regenerate. */
export function MaskPainter({
  source,
  onChange,
  error,
}: {
  source: Uploaded;
  onChange: (mask: Uploaded | undefined) => void;
  error?: string;
}) {
  const { upload, error: uploadError } = useUpload();
  return (
    <div className="flex flex-col items-start gap-2">
      <PaintEditor
        key={source.id}
        width={source.width}
        height={source.height}
        mode="mask"
        background={source.url}
        // About a fourteenth of the image, rounded to the slider's half-pixel steps.
        initialBrush={Math.max(1, Math.round(source.width / 7) / 2)}
        label="mask canvas"
        subject="Mask"
        hint="Red = regenerate; the rest is kept."
        onChange={async (png) => onChange(png ? await upload(png) : undefined)}
      />
      {(uploadError || error) && <Notice tone="error">{uploadError ?? error}</Notice>}
    </div>
  );
}
