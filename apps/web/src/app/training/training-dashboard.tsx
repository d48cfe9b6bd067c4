"use client";

import { Badge, LineChart, Panel } from "@diffusion-studio/ui";
import { useQueries, useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/trpc/react";
import { LaunchForm } from "./launch-form";
import { RunDetail } from "./run-detail";
import { stateDetail, stateTone } from "./run-state";

const COLORS = ["#818cf8", "#f472b6", "#34d399", "#fbbf24", "#60a5fa", "#f87171"];

export function TrainingDashboard() {
  const trpc = useTRPC();
  const runs = useQuery({ ...trpc.training.list.queryOptions(), refetchInterval: 3000 });
  const router = useRouter();
  // `?run=<id>` opens that run (the Workers page links here); picking a run keeps the address in step.
  const [selected, setSelected] = useState<string | undefined>(useSearchParams().get("run") ?? undefined);
  const [compare, setCompare] = useState<string[]>([]);
  const current = selected ?? runs.data?.[0]?.id;
  const select = (id: string) => {
    setSelected(id);
    router.replace(`/training?run=${encodeURIComponent(id)}`, { scroll: false });
  };

  return (
    <div className="grid grid-cols-1 gap-8 lg:grid-cols-[380px_1fr]">
      <div className="flex flex-col gap-6 self-start">
        <LaunchForm onStarted={select} />
      </div>
      <div className="flex min-w-0 flex-col gap-6">
        <Panel title="Runs">
          {runs.data?.length ? (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="runs-table">
                <thead className="whitespace-nowrap text-xs text-neutral-500">
                  <tr>
                    <th className="py-2 pl-2 font-medium">Run</th>
                    <th className="px-3 font-medium">State</th>
                    <th className="px-3 font-medium">Progress</th>
                    <th className="px-3 font-medium">Last loss</th>
                    <th className="px-3 font-medium">Compare</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-neutral-800">
                  {runs.data.map((r) => (
                    <tr
                      key={r.id}
                      className={r.id === current ? "bg-neutral-800/50" : "cursor-pointer hover:bg-neutral-800/30"}
                      onClick={() => select(r.id)}
                    >
                      <td className="py-2 pl-2">
                        <div className="font-medium text-neutral-100">{r.experiment}</div>
                        <div className="text-xs text-neutral-500">
                          {r.id}
                          {Object.keys(r.overrides).length > 0 &&
                            ` · ${Object.entries(r.overrides)
                              .map(([k, v]) => `${k}=${String(v)}`)
                              .join(", ")}`}
                        </div>
                      </td>
                      <td className="px-3">
                        <div className="flex gap-1">
                          <Badge tone={stateTone(r.state)}>{r.state}</Badge>
                          {r.promotedModelId && <Badge tone="success">promoted</Badge>}
                        </div>
                        {stateDetail(r) && <div className="mt-0.5 text-xs text-neutral-500">{stateDetail(r)}</div>}
                      </td>
                      <td className="px-3 tabular-nums text-neutral-300">
                        {r.step}/{r.totalSteps}
                      </td>
                      <td className="px-3 tabular-nums text-neutral-300">{r.lastLoss?.toFixed(4) ?? "—"}</td>
                      <td className="px-3">
                        <input
                          type="checkbox"
                          aria-label={`compare ${r.id}`}
                          checked={compare.includes(r.id)}
                          onClick={(e) => e.stopPropagation()}
                          onChange={(e) =>
                            setCompare((c) => (e.target.checked ? [...c, r.id] : c.filter((x) => x !== r.id)))
                          }
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="py-6 text-center text-sm text-neutral-500">
              {runs.isLoading ? "Loading…" : "No runs yet. Launch one on the left."}
            </p>
          )}
        </Panel>
        {compare.length >= 2 && <CompareRuns ids={compare} />}
        {current && <RunDetail key={current} id={current} />}
      </div>
    </div>
  );
}

/** Loss curves of several runs on one chart. */
function CompareRuns({ ids }: { ids: string[] }) {
  const trpc = useTRPC();
  const details = useQueries({
    queries: ids.map((id) => ({ ...trpc.training.get.queryOptions({ id }), refetchInterval: 5000 })),
  });
  const loaded = details.flatMap((d) => (d.data ? [d.data] : []));
  const steps = [...new Set(loaded.flatMap((d) => d.loss.step))].sort((a, b) => a - b);
  const series = loaded.map((d, k) => {
    const byStep = new Map(d.loss.step.map((s, i) => [s, d.loss.loss[i]!]));
    return { label: d.id, values: steps.map((s) => byStep.get(s) ?? null), color: COLORS[k % COLORS.length]! };
  });
  return (
    <Panel title="Compare runs">
      {steps.length > 0 ? (
        <LineChart x={steps} series={series} xLabel="step" yLabel="loss" logY />
      ) : (
        <p className="text-sm text-neutral-500">Loading…</p>
      )}
    </Panel>
  );
}
