"use client";

import { Badge, Button, Notice, Panel } from "@diffusion-studio/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { RelativeTime } from "@/components/relative-time";
import { type RouterOutputs, useTRPC } from "@/trpc/react";

type Overview = RouterOutputs["system"]["workers"];
type Worker = Overview["workers"][number];
type DeadLetter = Overview["deadLetters"][number];

/** Where a job's subject is shown: a generation's card, or the run on the training dashboard. */
function subjectHref(kind: "generation" | "training", id: string): string {
  return kind === "training" ? `/training?run=${encodeURIComponent(id)}` : `/g/${encodeURIComponent(id)}`;
}

const kindOfQueue = (queue: string | null) => (queue?.startsWith("train") ? "training" : "generation");

/** Workers, queues and dead letters, polled every 2.5 s. */
export function WorkersBoard() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.system.workers.queryOptions(), refetchInterval: 2500 });
  const status = useQuery(trpc.system.status.queryOptions());
  const signedOut = Boolean(status.data?.tokenRequired && !status.data.authorized);

  if (overview.error) {
    return signedOut ? (
      <SignInNotice>to see the workers and their queues</SignInNotice>
    ) : (
      <Notice tone="error" title="Could not load the workers">
        {overview.error.message}
      </Notice>
    );
  }
  const o = overview.data;
  if (!o) return <p className="text-sm text-neutral-500">Loading workers…</p>;

  return (
    <div className="flex flex-col gap-6" data-testid="workers-board">
      <WorkerList workers={o.workers} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <QueueTable queues={o.queues} />
        <DeadLetters letters={o.deadLetters} signedOut={signedOut} />
      </div>
    </div>
  );
}

function SignInNotice({ children }: { children: string }) {
  return (
    <Notice tone="warning" title="Sign in needed">
      This portal needs the team token {children}.{" "}
      <Link href="/sign-in" className="underline">
        Sign in
      </Link>
      .
    </Notice>
  );
}

function WorkerList({ workers }: { workers: Worker[] }) {
  const live = workers.filter((w) => w.live).length;
  return (
    <Panel
      title="Workers"
      actions={
        workers.length > 0 && (
          <span className="text-xs text-neutral-400">
            {live} live{workers.length > live && ` · ${workers.length - live} quiet`}
          </span>
        )
      }
    >
      {workers.length === 0 ? (
        <Notice tone="warning" title="No worker is running">
          Jobs wait in their queues until one starts. Start one with <code>corepack pnpm worker</code> on a host that
          can reach the database (with <code>DATABASE_URL</code>), or run the portal with <code>WORKERS</code> ≥ 1. A
          worker that has just started shows here at its first heartbeat, within half a minute.
        </Notice>
      ) : (
        <ul className="grid grid-cols-1 gap-4 md:grid-cols-2" data-testid="worker-list">
          {workers.map((w) => (
            <WorkerCard key={w.id} worker={w} />
          ))}
        </ul>
      )}
    </Panel>
  );
}

function WorkerCard({ worker: w }: { worker: Worker }) {
  return (
    <li
      className="flex min-w-0 flex-col gap-3 rounded-lg border border-neutral-800 bg-neutral-950/40 p-4"
      data-testid="worker"
      data-name={w.name}
      data-live={w.live}
    >
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="truncate font-medium text-neutral-100" title={w.name}>
            {w.name}
          </div>
          <div className="truncate text-xs text-neutral-500">
            {w.host} · pid {w.pid} · started <RelativeTime iso={w.startedAt} />
          </div>
        </div>
        <Badge tone={w.live ? "success" : "warning"}>{w.live ? "live" : "quiet"}</Badge>
      </div>
      <div className="flex flex-wrap gap-1.5" data-testid="worker-queues">
        {w.queues.map((q) => (
          <span
            key={q.queue}
            className="rounded-md bg-neutral-800 px-2 py-0.5 text-xs text-neutral-300"
            data-testid="worker-queue"
          >
            {q.queue}{" "}
            <span className="tabular-nums text-neutral-400">
              {q.active}/{q.slots} busy
            </span>
          </span>
        ))}
      </div>
      <div className="text-sm">
        {w.running.length === 0 ? (
          <p className="text-neutral-500">Idle</p>
        ) : (
          <ul className="flex flex-col gap-1">
            {w.running.map((r) => (
              <li key={r.id} className="flex min-w-0 items-center gap-2">
                <Badge tone="running">{r.kind}</Badge>
                <Link href={subjectHref(r.kind, r.id)} className="truncate text-neutral-200 hover:underline">
                  {r.what} <span className="text-neutral-500">{r.id}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </div>
      <p className={w.live ? "text-xs text-neutral-500" : "text-xs text-amber-300"}>
        Last heartbeat <RelativeTime iso={w.lastHeartbeat} />
        {!w.live && " — its jobs go to another worker once their heartbeats stop"}
      </p>
    </li>
  );
}

function QueueTable({ queues }: { queues: Overview["queues"] }) {
  const waiting = queues.reduce((n, q) => n + q.waiting, 0);
  return (
    <Panel
      title="Queues"
      actions={
        <span className="text-xs text-neutral-400">{waiting === 0 ? "nothing waiting" : `${waiting} waiting`}</span>
      }
    >
      <table className="w-full text-left text-sm" data-testid="queue-table">
        <thead className="text-xs text-neutral-500">
          <tr>
            <th className="py-2 font-medium">Queue</th>
            <th className="px-2 text-right font-medium">Waiting</th>
            <th className="px-2 text-right font-medium">Running</th>
            <th className="pl-2 text-right font-medium">Failed</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-neutral-800 tabular-nums">
          {queues.map((q) => (
            <tr key={q.name} data-testid="queue-row" data-queue={q.name}>
              <td className="py-2 text-neutral-200">{q.name}</td>
              <td className={q.waiting ? "px-2 text-right text-neutral-100" : "px-2 text-right text-neutral-500"}>
                {q.waiting}
              </td>
              <td className={q.active ? "px-2 text-right text-indigo-200" : "px-2 text-right text-neutral-500"}>
                {q.active}
              </td>
              <td className={q.failed ? "pl-2 text-right text-rose-300" : "pl-2 text-right text-neutral-500"}>
                {q.failed}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-3 text-xs text-neutral-500">
        Failed counts jobs whose last attempt failed; a job that failed every attempt is also kept as a dead letter.
      </p>
    </Panel>
  );
}

function DeadLetters({ letters, signedOut }: { letters: DeadLetter[]; signedOut: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [retried, setRetried] = useState<DeadLetter>();
  const retry = useMutation(
    trpc.system.retryDeadLetter.mutationOptions({
      onSuccess: (_, { id }) => {
        setRetried(letters.find((l) => l.id === id));
        void queryClient.invalidateQueries({ queryKey: trpc.system.workers.queryKey() });
      },
    }),
  );
  return (
    <Panel
      title="Dead letters"
      actions={letters.length > 0 && <Badge tone="error">{letters.length}</Badge>}
      className="min-w-0"
    >
      <div className="flex flex-col gap-3">
        {retried && (
          <Notice tone="success" title="Sent back to its queue">
            {kindOfQueue(retried.queue) === "training" ? "Run" : "Generation"}{" "}
            <Link href={subjectHref(kindOfQueue(retried.queue), retried.subject)} className="underline">
              {retried.subject}
            </Link>{" "}
            waits in <code>{retried.queue ?? "its queue"}</code> again.
          </Notice>
        )}
        {retry.error && (
          <Notice tone="error" title="Not retried">
            {retry.error.message}
          </Notice>
        )}
        {signedOut && letters.length > 0 && <SignInNotice>to retry jobs</SignInNotice>}
        {letters.length === 0 ? (
          <p className="py-4 text-center text-sm text-neutral-500">
            No dead letters. A job that fails all its attempts is kept here, with its error, until you retry it.
          </p>
        ) : (
          <ul className="flex flex-col gap-3" data-testid="dead-letters">
            {letters.map((l) => (
              <li
                key={l.id}
                className="flex min-w-0 flex-col gap-2 rounded-lg border border-neutral-800 bg-neutral-950/40 p-3"
                data-testid="dead-letter"
                data-id={l.id}
              >
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0 text-sm">
                    <Link
                      href={subjectHref(kindOfQueue(l.queue), l.subject)}
                      className="block truncate font-medium text-neutral-100 hover:underline"
                    >
                      {l.subject}
                    </Link>
                    <div className="text-xs text-neutral-500">
                      {l.queue ?? "unknown queue"} · failed <RelativeTime iso={l.failedAt} />
                    </div>
                  </div>
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => retry.mutate({ id: l.id })}
                    disabled={signedOut || (retry.isPending && retry.variables?.id === l.id)}
                  >
                    {retry.isPending && retry.variables?.id === l.id ? "Retrying…" : "Retry"}
                  </Button>
                </div>
                <pre className="max-h-32 overflow-auto whitespace-pre-wrap break-words rounded-md bg-rose-500/10 px-2 py-1.5 font-mono text-xs text-rose-200">
                  {l.error}
                </pre>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Panel>
  );
}
