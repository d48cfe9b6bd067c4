import type { ReactNode } from "react";
import { cx } from "./cx.js";

export type NoticeTone = "info" | "warning" | "error" | "success";

const TONES: Record<NoticeTone, string> = {
  info: "border-sky-500/30 bg-sky-500/10 text-sky-100",
  warning: "border-amber-500/30 bg-amber-500/10 text-amber-100",
  error: "border-rose-500/40 bg-rose-500/10 text-rose-100",
  success: "border-emerald-500/30 bg-emerald-500/10 text-emerald-100",
};

export interface NoticeProps {
  tone?: NoticeTone;
  title?: ReactNode;
  children?: ReactNode;
  className?: string;
}

/** A message box: empty states ("no model available"), errors from the API, confirmations. */
export function Notice({ tone = "info", title, children, className }: NoticeProps) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cx("rounded-lg border px-4 py-3 text-sm", TONES[tone], className)}
    >
      {title && <p className="font-semibold">{title}</p>}
      {children && <div className={cx(title ? "mt-1" : "", "opacity-90")}>{children}</div>}
    </div>
  );
}
