import type { ReactNode } from "react";
import { cx } from "./cx.js";

export interface PanelProps {
  title?: ReactNode;
  /** Right-aligned content of the title row (buttons, badges). */
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}

/** A titled surface that groups a form or a result. */
export function Panel({ title, actions, children, className }: PanelProps) {
  return (
    <section className={cx("rounded-xl border border-neutral-800 bg-neutral-900/60 p-4 shadow-sm sm:p-5", className)}>
      {(title || actions) && (
        <header className="mb-4 flex items-center justify-between gap-3">
          {title && <h2 className="text-sm font-semibold tracking-wide text-neutral-200">{title}</h2>}
          {actions && <div className="flex items-center gap-2">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}
