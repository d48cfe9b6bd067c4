import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { cx } from "./cx.js";

export interface FieldProps {
  label: ReactNode;
  /** Shown under the control: the allowed range or a short explanation. */
  hint?: ReactNode;
  /** A validation message; replaces the hint and marks the field invalid. */
  error?: string;
  htmlFor?: string;
  children: ReactNode;
  className?: string;
}

/** A labelled form control with its hint or error message. */
export function Field({ label, hint, error, htmlFor, children, className }: FieldProps) {
  return (
    <div className={cx("flex flex-col gap-1.5", className)}>
      <label htmlFor={htmlFor} className="text-xs font-medium text-neutral-400">
        {label}
      </label>
      {children}
      {error ? (
        <p role="alert" className="text-xs text-rose-300">
          {error}
        </p>
      ) : (
        hint && <p className="text-xs text-neutral-500">{hint}</p>
      )}
    </div>
  );
}

const CONTROL =
  "w-full rounded-lg border border-neutral-700 bg-neutral-950 px-3 py-2 text-sm text-neutral-100 " +
  "placeholder:text-neutral-600 focus:border-indigo-400 focus:outline-none focus:ring-1 focus:ring-indigo-400 " +
  "aria-[invalid=true]:border-rose-400";

export function TextInput({ className, ...rest }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={cx(CONTROL, className)} {...rest} />;
}

export function TextArea({ className, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea className={cx(CONTROL, "min-h-20 font-mono", className)} {...rest} />;
}

export function Select({ className, ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select className={cx(CONTROL, "pr-8", className)} {...rest} />;
}
