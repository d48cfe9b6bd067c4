/** Runs once when the server starts: create the data directory, migrate the database, start the worker pool. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Exits (code 1) before any request is served when the bound address is exposed and there is no team token.
  const { enforceExposureRules } = await import("./server/exposure");
  if (enforceExposureRules()) return;
  const { getServices } = await import("./server/services");
  const services = await getServices();
  console.log(
    `Diffusion Studio: data in ${services.dataDir.root} (${services.database.kind}), ${services.env.WORKERS} worker(s)`,
  );
}
