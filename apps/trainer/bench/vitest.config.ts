import { defineConfig } from "vitest/config";

/** Benchmarks run through Vitest (TypeScript, shared helpers) but not in `test`; they print figures. */
export default defineConfig({
  test: {
    include: ["bench/**/*.bench.ts"],
    testTimeout: 30 * 60_000,
    fileParallelism: false,
    reporters: ["verbose"],
    disableConsoleIntercept: true,
  },
});
