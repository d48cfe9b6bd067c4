import { Notice } from "@diffusion-studio/ui";
import type { FieldErrors } from "@/hooks/use-recipe-form";

/** Errors that no field on the form shows inline (busy, unknown model, server-side checks). */
export function FormErrors({ errors, inline }: { errors: FieldErrors; inline: readonly string[] }) {
  const rest = Object.entries(errors).filter(([k]) => !inline.includes(k));
  if (rest.length === 0) return null;
  return (
    <Notice tone="error" title="Not started">
      <ul className="list-inside list-disc">
        {rest.map(([k, m]) => (
          <li key={k}>{m}</li>
        ))}
      </ul>
    </Notice>
  );
}
