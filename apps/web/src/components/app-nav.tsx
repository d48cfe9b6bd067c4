"use client";

import { cx } from "@diffusion-studio/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { useTRPC } from "@/trpc/react";

const LINKS = [
  { href: "/prompts", label: "Prompts" },
  { href: "/edits", label: "Edits" },
  { href: "/illusions", label: "Illusions" },
  { href: "/lab", label: "Lab" },
  { href: "/training", label: "Training" },
  { href: "/workers", label: "Workers" },
] as const;

/**
 * The top bar: sections, and the server's state (database, queue, whether this browser may run jobs). Below the
 * `lg` breakpoint the sections do not fit beside the rest, so they fold into a menu that opens under the bar.
 */
export function AppNav() {
  const path = usePathname();
  const [open, setOpen] = useState(false);
  // A section was chosen (or the page changed otherwise): fold the menu away.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    const close = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("keydown", close);
    return () => document.removeEventListener("keydown", close);
  }, [open]);
  return (
    <header className="sticky top-0 z-10 border-b border-neutral-800 bg-neutral-950/85 backdrop-blur">
      <div className="relative mx-auto flex h-14 max-w-7xl items-center gap-x-3 px-4 sm:gap-x-8 sm:px-6">
        <Link
          href="/"
          className="flex shrink-0 items-center gap-2 font-semibold tracking-tight"
          aria-label="Diffusion Studio home"
        >
          <span className="grid h-7 w-7 place-items-center rounded-md bg-gradient-to-br from-indigo-400 to-fuchsia-500 text-xs font-bold text-white">
            DS
          </span>
          <span className="hidden sm:inline">Diffusion Studio</span>
        </Link>
        <nav
          id="sections"
          aria-label="Sections"
          className={cx(
            "text-sm lg:static lg:flex lg:items-center lg:gap-1 lg:border-0 lg:bg-transparent lg:p-0",
            // The open menu: a panel under the bar, two columns of large targets.
            open
              ? "absolute inset-x-0 top-full grid grid-cols-2 gap-1 border-b border-neutral-800 bg-neutral-950 p-3 sm:grid-cols-3"
              : "hidden",
          )}
        >
          {LINKS.map((l) => (
            <Link
              key={l.href}
              href={l.href}
              aria-current={path.startsWith(l.href) ? "page" : undefined}
              className={cx(
                "rounded-md px-3 py-2 transition-colors lg:py-1.5",
                path.startsWith(l.href) ? "bg-neutral-800 text-white" : "text-neutral-400 hover:text-neutral-100",
              )}
            >
              {l.label}
            </Link>
          ))}
        </nav>
        <ServerStatus />
        <button
          type="button"
          aria-expanded={open}
          aria-controls="sections"
          onClick={() => setOpen((o) => !o)}
          className="shrink-0 rounded-md px-3 py-1.5 text-sm text-neutral-200 ring-1 ring-neutral-700 hover:bg-neutral-800 lg:hidden"
        >
          {open ? "Close" : "Menu"}
        </button>
      </div>
    </header>
  );
}

/** Database, jobs and workers, refreshed every 5 s; on a phone the database's name gives way to the job line. */
function ServerStatus() {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.system.status.queryOptions(), refetchInterval: 5000 });
  const s = status.data;
  return (
    <div
      className="ml-auto flex min-w-0 flex-wrap items-center justify-end gap-x-3 text-xs text-neutral-400"
      data-testid="server-status"
    >
      {s ? (
        <>
          <span className="flex items-center gap-1.5">
            <span className="h-2 w-2 rounded-full bg-emerald-400" />
            <span className="hidden sm:inline">{s.database === "pglite" ? "PGlite" : "PostgreSQL"}</span>
          </span>
          <Link href="/workers" className="hover:underline">
            {s.queue.running} running · {s.queue.waiting} waiting · {s.queue.workers}{" "}
            {s.queue.workers === 1 ? "worker" : "workers"}
          </Link>
          {s.tokenRequired && !s.authorized && (
            <Link href="/sign-in" className="text-amber-300 hover:underline">
              sign in to run jobs
            </Link>
          )}
        </>
      ) : status.isError ? (
        <span className="flex items-center gap-1.5 text-rose-300">
          <span className="h-2 w-2 rounded-full bg-rose-400" /> server unreachable
        </span>
      ) : (
        <span>connecting…</span>
      )}
    </div>
  );
}
