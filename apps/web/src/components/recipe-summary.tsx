import type { Recipe } from "@/shared/recipes";

/** The recipe as short "name value" pairs, so a gallery card says exactly what made it. */
export function recipeFacts(r: Recipe): [string, string][] {
  const facts: [string, string][] = [["model", r.modelId]];
  switch (r.procedure) {
    case "generate":
      facts.push(["prompts", r.prompts.join(" · ")], ["steps", String(r.steps)], ["γ", String(r.guidance)]);
      facts.push(["batch", String(r.batch)]);
      if (r.upscale) facts.push(["upscale", `${r.upscale.steps} steps, γ ${r.upscale.guidance}`]);
      break;
    case "sdedit":
      facts.push(["prompt", r.prompt], ["i_start", r.iStarts.join(",")], ["steps", String(r.steps)]);
      facts.push(["γ", String(r.guidance)]);
      break;
    case "inpaint":
      facts.push(["prompt", r.prompt], ["steps", String(r.steps)], ["γ", String(r.guidance)]);
      break;
    case "anagram":
      facts.push(["views", r.parts.map((p) => `${p.prompt} (${p.view})`).join(" · ")], ["γ", String(r.guidance)]);
      break;
    case "hybrid":
      facts.push(["low", r.lowPrompt], ["high", r.highPrompt], ["σ", String(r.sigma)]);
      break;
    case "forward":
      facts.push(["t", r.ts.join(",")]);
      break;
    case "denoise-compare":
      facts.push(["i_start", String(r.iStart)], ["prompt", r.prompt]);
      break;
    case "cfg-compare":
      facts.push(["prompt", r.prompt], ["γ", String(r.guidance)], ["steps", String(r.steps)]);
      break;
    case "sampler-compare":
      facts.push(["prompt", r.prompt], ["γ", String(r.guidance)]);
      facts.push(["samplers", r.runs.map((run) => `${run.sampler} ${run.steps}`).join(" · ")]);
      break;
  }
  if ("sampler" in r && r.sampler) facts.push(["sampler", r.sampler]);
  facts.push(["seed", String(r.seed)]);
  // An unconditional model's recipe has no prompt ("") to show.
  return facts.filter(([k, v]) => !(k.startsWith("prompt") && v === ""));
}

export function RecipeSummary({ recipe }: { recipe: Recipe }) {
  return (
    <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
      {recipeFacts(recipe).map(([k, v]) => (
        <div key={k} className="flex gap-1.5">
          <dt className="text-neutral-500">{k}</dt>
          <dd className="max-w-md truncate text-neutral-300">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
