"use client";

import { Button, Notice, PaintCanvas } from "@diffusion-studio/ui";
import { useState } from "react";
import { type Uploaded, useUpload } from "@/hooks/use-upload";

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
  const [clear, setClear] = useState(0);
  const { upload, error: uploadError } = useUpload();
  return (
    <div className="flex flex-col items-start gap-2">
      <PaintCanvas
        key={source.id}
        width={source.width}
        height={source.height}
        mode="mask"
        background={source.url}
        brush={Math.max(1, source.width / 14)}
        label="mask canvas"
        clearSignal={clear}
        onChange={async (png) => onChange(png ? await upload(png) : undefined)}
      />
      <div className="flex items-center gap-3">
        <Button variant="secondary" size="sm" onClick={() => setClear((c) => c + 1)}>
          Clear mask
        </Button>
        <span className="text-xs text-neutral-500">Red = regenerate; the rest is kept.</span>
      </div>
      {(uploadError || error) && <Notice tone="error">{uploadError ?? error}</Notice>}
    </div>
  );
}
