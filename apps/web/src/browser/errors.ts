/**
 * A browser run's failure as the page shows it, starting with what it is about: memory exhaustion (wasm's
 * "Out of memory" / a RangeError allocating a buffer) reads as such, not as an engine's internal message.
 */
export function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/out of memory|\boom\b|allocation failed|array buffer allocation|memory access out of bounds/i.test(message)) {
    return "memory: the browser ran out of memory running this model; try fewer images, close other tabs, or run it on the server";
  }
  return /^[A-Za-z.]+: /.test(message) ? message : `browser: ${message}`;
}
