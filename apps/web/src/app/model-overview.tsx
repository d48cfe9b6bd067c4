"use client";

import { Badge, Notice, Panel } from "@diffusion-studio/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ModelInfo } from "@/shared/models";
import { useTRPC } from "@/trpc/react";

/** "10 classes", "text (12 stored prompts)", "free text", "none". */
export function conditioningLabel(m: ModelInfo): string {
  const c = m.conditioning;
  if (c.type === "class") return `${c.classes.length} classes`;
  if (c.type === "text") return c.freeText ? "free text" : `text (${c.storedPrompts.length} stored prompts)`;
  return c.type;
}

/** Which models are installed and what each can do. */
export function ModelOverview() {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  const problems = useQuery(trpc.models.problems.queryOptions());
  return (
    <Panel title="Models">
      {problems.data?.map((p) => (
        <div key={p.source} className="mb-4" data-testid="model-problem">
          <Notice tone="error" title={`${p.source} could not be loaded`}>
            {p.message}
          </Notice>
        </div>
      ))}
      {models.isLoading ? (
        <p className="text-sm text-neutral-500">Loading…</p>
      ) : !models.data?.length ? (
        <Notice tone="warning" title="No model available">
          Nothing can be generated until a model is installed. Launch a run on the{" "}
          <Link href="/training" className="underline">
            Training
          </Link>{" "}
          page and promote it when it finishes.
        </Notice>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm [&_th]:pr-4">
            <thead className="text-xs uppercase tracking-wider text-neutral-500">
              <tr>
                <th className="py-2 font-medium">Model</th>
                <th className="font-medium">Conditioning</th>
                <th className="font-medium">Size</th>
                <th className="font-medium">Procedures</th>
                <th className="font-medium">Source</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-neutral-800">
              {models.data.map((m) => (
                <tr key={m.id}>
                  <td className="py-2.5">
                    <div className="font-medium text-neutral-100">{m.name}</div>
                    <div className="text-xs text-neutral-500">{m.description}</div>
                  </td>
                  <td>{conditioningLabel(m)}</td>
                  <td className="tabular-nums">
                    {m.shape.slice(1).join("×")}
                    {m.shape[0] === 3 ? " RGB" : ""}
                    {m.upscale && ` → ${m.upscale.size}×${m.upscale.size}`}
                  </td>
                  <td>
                    <div className="flex flex-wrap gap-1">
                      {m.procedures.map((p) => (
                        <Badge key={p}>{p}</Badge>
                      ))}
                    </div>
                  </td>
                  <td>{m.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
