import type { ReactNode } from "react";
import { cx } from "./cx.js";

export interface FormStackProps {
  /** Called on submit (button or Enter), without the browser's page load. */
  readonly onSubmit: () => void;
  readonly children: ReactNode;
  readonly className?: string;
}

/**
 * A form of stacked fields. The browser's own validation is off: the server checks every field and its message names
 * the field and the allowed range, which `Field` shows next to it.
 */
export function FormStack({ onSubmit, children, className }: FormStackProps) {
  return (
    <form
      className={cx("flex flex-col gap-4", className)}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}
