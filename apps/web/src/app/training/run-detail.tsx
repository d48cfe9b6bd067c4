"use client";

import { Badge, Button, LineChart, Notice, Panel, PixelImage, ProgressBar } from "@diffusion-studio/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useTRPC } from "@/trpc/react";
import { formatMb, isActive, stateDetail, stateTone } from "./run-state";

/** One run, live: loss curve, the latest sample grid and all earlier ones, evaluation; cancel, resume, promote. */
export function RunDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.training.get.queryOptions({ id }));
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.training.get.queryKey({ id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.training.list.queryKey() });
  };
  const events = useSubscription(trpc.training.events.subscriptionOptions({ id }, { onData: refresh }));
  const cancel = useMutation(trpc.training.cancel.mutationOptions({ onSuccess: refresh }));
  // The event stream ended with the run; a resumed run needs it again.
  const resume = useMutation(
    trpc.training.resume.mutationOptions({
      onSuccess: () => {
        refresh();
        events.reset();
        cancel.reset();
      },
    }),
  );
  const promote = useMutation(
    trpc.training.promote.mutationOptions({
      onSuccess: () => {
        refresh();
        void queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() });
      },
    }),
  );

  const d = detail.data;
  if (detail.error) return <Notice tone="error">{detail.error.message}</Notice>;
  if (!d) return <p className="text-sm text-neutral-500">Loading run…</p>;
  const running = isActive(d.status.state);
  const detailLine = stateDetail({ state: d.status.state, position: d.position, worker: d.worker });
  const latest = d.grids.at(-1);

  return (
    <Panel
      title={
        <span className="flex flex-wrap items-baseline gap-x-2">
          <span className="whitespace-nowrap">{d.config.experiment}</span>{" "}
          <span className="break-all font-normal text-neutral-500">{id}</span>
        </span>
      }
      actions={
        <>
          <Badge tone={stateTone(d.status.state)}>{d.status.state}</Badge>
          {running && (
            // Stays disabled until the run has stopped: a second stop request would end it without a checkpoint.
            <Button
              variant="danger"
              size="sm"
              onClick={() => cancel.mutate({ id })}
              disabled={cancel.isPending || cancel.isSuccess}
            >
              {cancel.isSuccess ? "Stopping…" : "Cancel"}
            </Button>
          )}
          {(d.status.state === "cancelled" || d.status.state === "failed") && (
            <Button size="sm" onClick={() => resume.mutate({ id })} disabled={resume.isPending}>
              Resume
            </Button>
          )}
          {d.status.state === "done" && d.hasModel && !d.promotedModelId && (
            <Button size="sm" onClick={() => promote.mutate({ id })} disabled={promote.isPending}>
              Promote to galleries
            </Button>
          )}
        </>
      }
    >
      <div className="flex flex-col gap-6" data-testid="run-detail" data-state={d.status.state}>
        <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm" data-testid="run-facts">
          {detailLine && (
            <div className="flex gap-2">
              <dt className="sr-only">State</dt>
              <dd className="text-neutral-200">{detailLine}</dd>
            </div>
          )}
          {d.worker && !isActive(d.status.state) && (
            <div className="flex gap-2">
              <dt className="text-neutral-500">Worker</dt>
              <dd className="text-neutral-200">{d.worker}</dd>
            </div>
          )}
          {d.memoryMb !== null && (
            <div className="flex gap-2">
              <dt className="text-neutral-500">Estimated memory</dt>
              <dd className="tabular-nums text-neutral-200">{formatMb(d.memoryMb)}</dd>
            </div>
          )}
        </dl>
        {d.status.state === "failed" && d.error && (
          <Notice tone="error" title="The run failed">
            <pre className="whitespace-pre-wrap break-words font-sans">{d.error}</pre>
          </Notice>
        )}
        <ProgressBar
          value={d.status.totalSteps ? d.status.step / d.status.totalSteps : 0}
          label={`step ${d.status.step}/${d.status.totalSteps}`}
        />
        {d.status.message && <p className="text-sm text-neutral-400">{d.status.message}</p>}
        {d.promotedModelId && (
          <Notice tone="success" title="Promoted">
            Model <code>{d.promotedModelId}</code> is available in the{" "}
            <Link className="underline" href={`/prompts?model=${encodeURIComponent(d.promotedModelId)}`}>
              galleries
            </Link>
            .
          </Notice>
        )}
        {(promote.error || cancel.error || resume.error) && (
          <Notice tone="error">{(promote.error ?? cancel.error ?? resume.error)?.message}</Notice>
        )}
        <div className="grid grid-cols-1 gap-6 xl:grid-cols-[1fr_auto]">
          <div className="min-w-0">
            <h3 className="mb-2 text-xs font-medium text-neutral-400">Training loss</h3>
            {d.loss.step.length > 0 ? (
              <LineChart
                x={d.loss.step}
                series={[{ label: "loss", values: d.loss.loss, color: "#818cf8" }]}
                xLabel="step"
                yLabel="MSE"
                logY
              />
            ) : (
              <p className="text-sm text-neutral-500">Waiting for the first steps…</p>
            )}
          </div>
          {latest && (
            <figure className="flex flex-col items-center gap-2" data-testid="latest-grid">
              <PixelImage
                src={`${latest.url}?v=${d.status.step}`}
                alt={`samples after ${latest.label}`}
                size={360}
                fit="natural"
              />
              <figcaption className="text-xs text-neutral-400">samples after {latest.label}</figcaption>
            </figure>
          )}
        </div>
        {d.grids.length > 1 && (
          <div className="flex flex-wrap gap-3">
            {d.grids.map((g) => (
              <figure key={g.url} className="flex flex-col items-center gap-1">
                <PixelImage src={g.url} alt={`samples after ${g.label}`} size={150} fit="natural" />
                <figcaption className="text-xs text-neutral-400">{g.label}</figcaption>
              </figure>
            ))}
          </div>
        )}
        {d.evaluation && (
          <div>
            <h3 className="mb-2 text-xs font-medium text-neutral-400">Evaluation</h3>
            <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
              {Object.entries(d.evaluation).map(([k, v]) => (
                <div key={k} className="flex justify-between gap-3">
                  <dt className="text-neutral-500">{k}</dt>
                  <dd className="truncate tabular-nums text-neutral-200">{formatValue(v)}</dd>
                </div>
              ))}
            </dl>
          </div>
        )}
        {d.trajectory && (
          // Caption under the image, as for the sample grids: beside it, a 360 px image overflowed a phone.
          <figure className="flex min-w-0 flex-col items-center gap-2">
            <PixelImage src={d.trajectory} alt="sampling trajectory" size={360} fit="natural" />
            <figcaption className="text-xs text-neutral-400">sampling trajectory</figcaption>
          </figure>
        )}
      </div>
    </Panel>
  );
}

function formatValue(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (Array.isArray(v)) return v.map((x) => (typeof x === "number" ? x.toFixed(2) : String(x))).join(", ");
  return typeof v === "string" ? v : JSON.stringify(v);
}
