import { defineConfig } from "drizzle-kit";

/** `pnpm db:generate` writes SQL migrations to ./drizzle; the app applies them at start-up. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
