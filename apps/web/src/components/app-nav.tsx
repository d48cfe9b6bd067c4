"use client";

import { cx } from "@diffusion-studio/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "@/trpc/react";

const LINKS = [
  { href: "/prompts", label: "Prompts" },
  { href: "/edits", label: "Edits" },
  { href: "/illusions", label: "Illusions" },
  { href: "/lab", label: "Lab" },
  { href: "/training", label: "Training" },
  { href: "/workers", label: "Workers" },
] as const;

/** The top bar: sections, and the server's state (database, queue, whether this browser may run jobs). */
export function AppNav() {
  const path = usePathname();
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.system.status.queryOptions(), refetchInterval: 5000 });
  const s = status.data;
  return (
    <header className="sticky top-0 z-10 border-b border-neutral-800 bg-neutral-950/85 backdrop-blur">
      {/* On a phone the bar wraps: logo and status on one line, the sections (scrollable) below. */}
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-8 gap-y-1 px-4 py-2 sm:h-14 sm:flex-nowrap sm:px-6 sm:py-0">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
          <span className="grid h-7 w-7 place-items-center rounded-md bg-gradient-to-br from-indigo-400 to-fuchsia-500 text-xs font-bold text-white">
            DS
          </span>
          Diffusion Studio
        </Link>
        <nav className="order-last flex w-full items-center gap-1 overflow-x-auto text-sm sm:order-none sm:w-auto">
          {LINKS.map((l) => (
            <Link
              key={l.href}
              href={l.href}
              className={cx(
                "rounded-md px-3 py-1.5 transition-colors",
                path.startsWith(l.href) ? "bg-neutral-800 text-white" : "text-neutral-400 hover:text-neutral-100",
              )}
            >
              {l.label}
            </Link>
          ))}
        </nav>
        <div
          className="ml-auto flex flex-wrap items-center justify-end gap-x-3 text-xs text-neutral-400"
          data-testid="server-status"
        >
          {s ? (
            <>
              <span className="flex items-center gap-1.5">
                <span className="h-2 w-2 rounded-full bg-emerald-400" />
                {s.database === "pglite" ? "PGlite" : "PostgreSQL"}
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
      </div>
    </header>
  );
}
