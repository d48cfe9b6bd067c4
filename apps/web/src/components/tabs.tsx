"use client";

import { cx } from "@diffusion-studio/ui";

/** Section tabs inside a page (SDEdit / Inpaint / img2img). */
export function Tabs<T extends string>({
  tabs,
  value,
  onChange,
}: {
  tabs: readonly { id: T; label: string }[];
  value: T;
  onChange: (t: T) => void;
}) {
  return (
    <div className="mb-6 flex gap-1 border-b border-neutral-800" role="tablist">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={value === t.id}
          onClick={() => onChange(t.id)}
          className={cx(
            "-mb-px border-b-2 px-4 py-2 text-sm font-medium transition-colors",
            value === t.id
              ? "border-indigo-400 text-white"
              : "border-transparent text-neutral-400 hover:text-neutral-200",
          )}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
