import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real ONNX Runtime sessions on 2 shared CI cores: creating and running them can take seconds.
    testTimeout: 60_000,
  },
});
