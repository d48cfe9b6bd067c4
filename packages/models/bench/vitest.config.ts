import { defineConfig } from "vitest/config";

/** Benchmarks and the long MNIST training check run through Vitest (TypeScript, shared helpers) but not in `test`. */
export default defineConfig({
  test: {
    include: [process.env.BENCH_FILE ?? "bench/**/*.run.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ["verbose"],
    // Print progress lines as they happen (a 300-step run takes minutes).
    disableConsoleIntercept: true,
  },
});
