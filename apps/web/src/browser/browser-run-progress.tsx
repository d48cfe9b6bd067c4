"use client";

import { Badge, Button, ImageTile, Notice, Panel, ProgressBar } from "@diffusion-studio/ui";
import { tileSize } from "@/components/tile-size";
import { progressWording } from "@/shared/progress-wording";
import type { BrowserRunView, RunHere } from "./use-browser-run";

/** Where a browser run ran, e.g. "this browser · wasm · 2 threads". */
export function ranInLabel(r: { backend: string; threads: number }): string {
  return r.backend === "webgpu"
    ? "this browser · WebGPU"
    : `this browser · wasm · ${r.threads} thread${r.threads === 1 ? "" : "s"}`;
}

/** The live view of a browser run: like JobProgress for server jobs, plus the backend it ran on. */
export function BrowserRunProgress({
  view,
  onCancel,
  imageSize = 112,
}: {
  view: BrowserRunView;
  onCancel: () => void;
  imageSize?: number;
}) {
  const active = view.state === "loading" || view.state === "running";
  return (
    <div
      className="flex flex-col gap-4"
      data-testid="browser-progress"
      data-state={view.state}
      data-seconds={view.seconds}
    >
      <div className="flex flex-wrap items-center gap-3">
        <Badge
          tone={view.state === "done" ? "success" : view.state === "error" ? "error" : active ? "running" : "neutral"}
        >
          {view.state}
        </Badge>
        <div className="min-w-40 flex-1">
          {view.state === "running" && view.total > 0 && (
            <ProgressBar value={view.step / view.total} label={progressWording(view.step, view.total, view.stage)} />
          )}
          {view.status && <span className="text-xs text-neutral-400">{view.status}</span>}
          {view.seconds !== undefined && (view.state === "done" || view.state === "saving") && (
            <span className="text-xs text-neutral-500">
              finished in {view.seconds.toFixed(1)} s{view.state === "saving" ? " · saving to history…" : ""}
            </span>
          )}
        </div>
        {view.backend && (
          <span className="text-xs text-neutral-400" data-testid="browser-backend">
            {ranInLabel({ backend: view.backend, threads: view.threads ?? 1 })}
          </span>
        )}
        {active && (
          <Button variant="ghost" size="sm" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
      {view.error && (
        <Notice tone="error" title="The browser run failed">
          {view.error}
        </Notice>
      )}
      {view.previews.length > 0 && view.state === "running" && (
        <div className="flex flex-wrap gap-3">
          {view.previews.map((p) => (
            <ImageTile key={p.url} src={p.url} label={p.label} size={72} muted />
          ))}
        </div>
      )}
      {view.images.length > 0 && (
        <div className="flex flex-wrap gap-4" data-testid="browser-images">
          {view.images.map((img) => (
            <ImageTile key={img.url} src={img.url} label={img.label} size={tileSize(img.width, imageSize)} />
          ))}
        </div>
      )}
    </div>
  );
}

/** The "Run in this browser" switch, shown only for models that declare they fit in a page. */
export function RunInBrowserToggle({ here }: { here: RunHere }) {
  if (!here.available) return null;
  return (
    <label className="flex items-center gap-2 text-sm text-neutral-300">
      <input
        type="checkbox"
        data-testid="run-in-browser"
        checked={here.on}
        onChange={(e) => here.setOn(e.target.checked)}
      />
      Run in this browser
      <span className="text-xs text-neutral-500">(onnxruntime-web: WebGPU, else wasm)</span>
    </label>
  );
}

/** The browser run's panel, once one was started on this page. */
export function BrowserRunPanel({ here, imageSize }: { here: RunHere; imageSize?: number }) {
  if (here.view.state === "idle") return null;
  return (
    <Panel title="Running in this browser">
      <BrowserRunProgress view={here.view} onCancel={here.cancel} imageSize={imageSize} />
    </Panel>
  );
}
