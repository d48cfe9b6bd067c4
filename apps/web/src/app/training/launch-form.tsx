"use client";

import { Button, Field, FormStack, Notice, Panel, Select, TextArea } from "@diffusion-studio/ui";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { NumberField } from "@/components/number-field";
import { useTRPC } from "@/trpc/react";
import { RunEstimate } from "./run-estimate";
import { formatMb } from "./run-state";

const FIELDS = [
  { key: "epochs", label: "Epochs", step: 1 },
  { key: "batch", label: "Batch size", step: 1 },
  { key: "hidden", label: "Hidden width D", step: 1 },
  { key: "lr", label: "Learning rate", step: 0.0001 },
  { key: "trainExamples", label: "Training examples", step: 1 },
  { key: "seed", label: "Seed", step: 1 },
] as const;
type FieldKey = (typeof FIELDS)[number]["key"];

/** "flow.cfgScale = 3" lines → { "flow.cfgScale": 3 }; values are JSON when they parse, else strings. */
function parseExtra(text: string): { overrides: Record<string, string | number | boolean>; error?: string } {
  const overrides: Record<string, string | number | boolean> = {};
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq < 1) return { overrides, error: `overrides: line ${i + 1} should look like field=value` };
    const value = line.slice(eq + 1).trim();
    let parsed: string | number | boolean = value;
    try {
      const json = JSON.parse(value) as unknown;
      if (typeof json === "number" || typeof json === "boolean" || typeof json === "string") parsed = json;
    } catch {
      parsed = value;
    }
    overrides[line.slice(0, eq).trim()] = parsed;
  }
  return { overrides };
}

/** Starts a run of a named experiment; only the fields that differ from its defaults are sent as overrides. */
export function LaunchForm({ onStarted }: { onStarted: (id: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const experiments = useQuery(trpc.training.experiments.queryOptions());
  const [name, setName] = useState("");
  const [values, setValues] = useState<Partial<Record<FieldKey, number>>>({});
  const [extra, setExtra] = useState("");
  const [error, setError] = useState<string>();
  const selected = experiments.data?.find((e) => e.name === name);
  const start = useMutation(
    trpc.training.start.mutationOptions({
      onSuccess: ({ id }) => {
        void queryClient.invalidateQueries({ queryKey: trpc.training.list.queryKey() });
        onStarted(id);
      },
      onError: (e) => setError(e.message),
    }),
  );

  useEffect(() => {
    const first = experiments.data?.find((e) => e.name === "flow-class") ?? experiments.data?.[0];
    if (!name && first) setName(first.name);
  }, [experiments.data, name]);
  useEffect(() => {
    if (selected) setValues({ ...selected.defaults });
  }, [selected]);

  /** The launch the form describes now: the fields that differ from the defaults, and the extra lines. */
  const launch = (): { overrides: Record<string, string | number | boolean>; error?: string } => {
    const parsed = parseExtra(extra);
    const overrides: Record<string, string | number | boolean> = {};
    for (const f of FIELDS) {
      const v = values[f.key];
      if (v !== undefined && v !== selected?.defaults[f.key]) overrides[f.key] = v;
    }
    return { overrides: { ...overrides, ...parsed.overrides }, error: parsed.error };
  };
  const current = launch();
  const complete = FIELDS.every((f) => Number.isFinite(values[f.key]));
  // The trainer's own estimate for these overrides; the experiment's defaults answer until it arrives.
  const estimate = useQuery({
    ...trpc.training.estimate.queryOptions({ experiment: name, overrides: current.overrides }),
    enabled: Boolean(selected) && complete && !current.error,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const memory =
    estimate.data ??
    (selected && Object.keys(current.overrides).length === 0
      ? { memoryMb: selected.memoryMb, maxMemoryMb: selected.maxMemoryMb, steps: undefined, time: null, problem: null }
      : undefined);
  // What the worker would refuse, refused here (the server still checks): its own message when it has answered.
  const refusal =
    memory?.problem ??
    (memory && memory.memoryMb > memory.maxMemoryMb
      ? `overrides: needs about ${formatMb(memory.memoryMb)}, over the limit of ${formatMb(memory.maxMemoryMb)} per run: lower batch or hidden width`
      : undefined);

  const submit = () => {
    if (!selected) return;
    if (current.error) return setError(current.error);
    if (refusal) return setError(refusal);
    setError(undefined);
    start.mutate({ experiment: selected.name, overrides: current.overrides });
  };

  return (
    <Panel title="Launch a run">
      <FormStack onSubmit={submit}>
        <Field label="Experiment" htmlFor="experiment" hint={selected?.description}>
          <Select id="experiment" value={name} onChange={(e) => setName(e.target.value)}>
            {experiments.data?.map((e) => (
              <option key={e.name} value={e.name}>
                {e.name}
              </option>
            ))}
          </Select>
        </Field>
        <div className="grid grid-cols-2 gap-3">
          {FIELDS.map((f) => (
            <NumberField
              key={f.key}
              id={`field-${f.key}`}
              label={f.label}
              step={f.step}
              value={values[f.key] ?? Number.NaN}
              onChange={(v) => setValues((cur) => ({ ...cur, [f.key]: v }))}
            />
          ))}
        </div>
        <Field
          label="More overrides"
          htmlFor="extra"
          hint="One field=value per line, e.g. flow.cfgScale=3 or logEvery=1"
        >
          <TextArea id="extra" rows={2} value={extra} onChange={(e) => setExtra(e.target.value)} />
        </Field>
        {memory && <RunEstimate estimate={memory} />}
        {estimate.error && !current.error && <p className="text-sm text-amber-300">{estimate.error.message}</p>}
        {error && (
          <Notice tone="error" title="Not started">
            <pre className="whitespace-pre-wrap font-sans">{error}</pre>
          </Notice>
        )}
        <Button type="submit" disabled={start.isPending || !selected || Boolean(refusal)}>
          {start.isPending ? "Starting…" : "Start training"}
        </Button>
      </FormStack>
    </Panel>
  );
}
