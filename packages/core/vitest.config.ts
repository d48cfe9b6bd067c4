import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The statistical sampling tests take 1–2 s alone and several times that while turbo runs every package's
    // tasks on CI's 2 cores; vitest's 5 s default would turn load into failures.
    testTimeout: 30_000,
  },
});
