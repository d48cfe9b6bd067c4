#!/usr/bin/env node
/**
 * Fails (exit 1) when any workspace package's src/ has an import cycle, type-only imports included, and lists each
 * cycle. Runs madge once per package with that package's path aliases (`@/…` in apps/web) resolved from its
 * tsconfig.json. Usage: node tooling/scripts/check-cycles.mjs [package dir …] (default: every apps/* and packages/*).
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import madge from "madge";
import ts from "typescript";

const root = path.resolve(import.meta.dirname, "../..");
const packages =
  process.argv.length > 2
    ? process.argv.slice(2).map((dir) => path.resolve(dir))
    : ["apps", "packages"].flatMap((group) =>
        readdirSync(path.join(root, group)).map((name) => path.join(root, group, name)),
      );

/** The package's `paths`, anchored at the package (madge resolves aliases against `baseUrl`). */
function aliasesOf(dir) {
  const file = path.join(dir, "tsconfig.json");
  const { config } = existsSync(file) ? ts.readConfigFile(file, ts.sys.readFile) : { config: {} };
  const paths = config?.compilerOptions?.paths;
  return paths ? { baseUrl: dir, paths } : {};
}

let cycles = 0;
for (const dir of packages) {
  const src = path.join(dir, "src");
  if (!existsSync(src)) continue;
  const result = await madge(src, {
    fileExtensions: ["ts", "tsx", "mts"],
    // Only the package's own sources: other packages are reached through their built declarations, which
    // depend on what was built last (and a cycle across packages cannot exist: their dependencies form a tree).
    excludeRegExp: [/^\.\.\//, /\.d\.ts$/],
    tsConfig: {
      compilerOptions: {
        module: "esnext",
        moduleResolution: "bundler",
        allowImportingTsExtensions: true,
        jsx: "react-jsx",
        ...aliasesOf(dir),
      },
    },
  });
  const name = path.relative(root, dir);
  for (const cycle of result.circular()) {
    cycles++;
    console.error(`import cycle in ${name}/src: ${[...cycle, cycle[0]].join(" → ")}`);
  }
  console.log(`${name}: ${Object.keys(result.obj()).length} files, ${result.circular().length} cycles`);
}
if (cycles > 0) {
  console.error(`${cycles} import cycle(s): break each by moving what both sides need into a module of its own`);
  process.exit(1);
}
