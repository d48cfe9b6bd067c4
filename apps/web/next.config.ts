import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Parallel checkouts of the tests (or of people) can build into their own directory.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Native or WASM packages load their own files at run time; Node resolves them instead of the bundler.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "sharp", "onnxruntime-node"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "x-content-type-options", value: "nosniff" },
          { key: "x-frame-options", value: "DENY" },
          { key: "referrer-policy", value: "same-origin" },
          // Cross-origin isolation, so "Run in this browser" gets wasm threads (SharedArrayBuffer). Every resource
          // the portal loads is its own (same-origin), which require-corp allows.
          { key: "cross-origin-opener-policy", value: "same-origin" },
          { key: "cross-origin-embedder-policy", value: "require-corp" },
        ],
      },
    ];
  },
};

export default config;
