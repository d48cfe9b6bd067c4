type TrainerApi = typeof import("@diffusion-studio/trainer/api");

let api: Promise<TrainerApi> | undefined;

/**
 * The trainer's run API (its `/api` entry loads no ONNX Runtime and no image libraries), imported by Node at run time
 * rather than bundled: it finds its committed models relative to its own files (import.meta.url), which a bundle
 * would break. Workspace packages are not under node_modules, so `serverExternalPackages` does not apply to them.
 */
export function trainerApi(): Promise<TrainerApi> {
  api ??= import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "@diffusion-studio/trainer/api");
  return api;
}
