import type { BadgeTone } from "@diffusion-studio/ui";

export function stateTone(state: string): BadgeTone {
  switch (state) {
    case "done":
      return "success";
    case "failed":
      return "error";
    case "cancelled":
      return "warning";
    case "running":
    case "created":
      return "running";
    default:
      return "neutral";
  }
}
