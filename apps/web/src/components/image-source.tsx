"use client";

import { cx, Notice, PixelImage } from "@diffusion-studio/ui";
import { useState } from "react";
import { useSentSource } from "@/hooks/recipe-inbox";
import { type Uploaded, useUpload } from "@/hooks/use-upload";
import { PaintEditor } from "./canvas/paint-editor";

export interface ImageSourceProps {
  /** Canvas size for sketches: the model's resolution. */
  width: number;
  height: number;
  onChange: (u: Uploaded | undefined) => void;
  error?: string;
}

/** The input image of an edit: drawn on a canvas (the course's favourite) or uploaded. */
export function ImageSource({ width, height, onChange, error }: ImageSourceProps) {
  const [tab, setTab] = useState<"draw" | "upload">("draw");
  const { upload, pending, error: uploadError } = useUpload();
  // Each tab keeps its own image, and switching tabs makes that one the source: the job always runs on what is shown.
  const [sketch, setSketch] = useState<Uploaded>();
  const [file, setFile] = useState<Uploaded>();
  const [note, setNote] = useState<string>();
  // "Use as source", a recalled recipe's image, or a dropped PNG without a recipe.
  useSentSource(async (sent) => {
    setTab("upload");
    setNote(sent.note);
    const uploaded =
      sent.uploaded ?? (sent.url ? await fetch(sent.url).then(async (r) => upload(await r.blob())) : undefined);
    setFile(uploaded);
    onChange(uploaded);
  });
  const choose = (t: "draw" | "upload") => {
    setTab(t);
    onChange(t === "draw" ? sketch : file);
  };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex gap-1 rounded-lg bg-neutral-950 p-1 ring-1 ring-neutral-800" role="tablist">
        {(["draw", "upload"] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            onClick={() => choose(t)}
            className={cx(
              "flex-1 rounded-md px-3 py-1.5 text-sm",
              tab === t ? "bg-neutral-800 text-white" : "text-neutral-400 hover:text-neutral-200",
            )}
          >
            {t === "draw" ? "Draw a sketch" : "Upload an image"}
          </button>
        ))}
      </div>
      {/* Both stay mounted (the hidden one keeps its drawing or file for when the user comes back). */}
      <div className={cx("flex flex-col items-start gap-2", tab !== "draw" && "hidden")}>
        <PaintEditor
          width={width}
          height={height}
          mode="sketch"
          initialBrush={1.5}
          label="sketch canvas"
          subject="Sketch"
          hint={`Draw white on black, ${width}×${height}, with a mouse, pen or finger.`}
          onChange={async (png) => {
            const drawn = png ? await upload(png) : undefined;
            setSketch(drawn);
            onChange(drawn);
          }}
        />
      </div>
      <div className={cx("flex items-center gap-4", tab !== "upload" && "hidden")}>
        <label className="cursor-pointer rounded-lg border border-dashed border-neutral-700 px-4 py-6 text-sm text-neutral-400 hover:border-indigo-400 hover:text-neutral-200">
          Choose PNG, JPEG, WebP or GIF…
          <input
            type="file"
            accept="image/*"
            className="sr-only"
            data-testid="file-input"
            onChange={async (e) => {
              const chosen = e.target.files?.[0];
              e.target.value = "";
              if (!chosen) return;
              const uploaded = await upload(chosen);
              setFile(uploaded);
              onChange(uploaded);
            }}
          />
        </label>
        {file && <PixelImage src={file.url} alt="uploaded source" size={96} fit="natural" />}
      </div>
      {note && tab === "upload" && (
        <p className="text-xs text-amber-200" data-testid="source-note">
          {note}
        </p>
      )}
      {pending && <p className="text-xs text-neutral-500">Uploading…</p>}
      {(uploadError || error) && (
        <Notice tone="error" title="Image not accepted">
          {uploadError ?? error}
        </Notice>
      )}
    </div>
  );
}
