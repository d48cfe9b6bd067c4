import type { ReactNode } from "react";

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-8">
      <h1 className="text-2xl font-semibold tracking-tight text-white">{title}</h1>
      {children && <p className="mt-1.5 max-w-3xl text-sm leading-6 text-neutral-400">{children}</p>}
    </div>
  );
}
