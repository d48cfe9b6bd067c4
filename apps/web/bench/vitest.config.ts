import path from "node:path";
import { defineConfig } from "vitest/config";

/** The job-system benchmarks run through Vitest (the portal's TypeScript services, as in the unit tests); they print figures. */
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname, "../src"),
      "server-only": path.resolve(import.meta.dirname, "../test/support/empty.ts"),
    },
  },
  test: {
    include: ["bench/**/*.bench.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ["verbose"],
    disableConsoleIntercept: true,
  },
});
