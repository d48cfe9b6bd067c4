"use client";

import { useEffect, useState } from "react";

/** "just now", "12 s ago", "4 min ago", "3 h ago", "2 d ago" (a time slightly ahead of this clock reads "just now"). */
export function relativeTime(iso: string, now: number): string {
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 2) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** A past moment as a relative time that keeps itself current (every second); the exact time is its tooltip. */
export function RelativeTime({ iso }: { iso: string }) {
  const [now, setNow] = useState<number>();
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()} suppressHydrationWarning>
      {now === undefined ? "…" : relativeTime(iso, now)}
    </time>
  );
}
