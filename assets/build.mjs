// Bundles each assets/js/<page>.js into api/static/dist/<page>.js (and its CSS imports into <page>.css).
// Run by `make install` (npm run build); the output is not committed.
import { build } from "esbuild";
import { readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(root, "assets", "js");
const outdir = join(root, "api", "static", "dist");

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: readdirSync(source).filter((f) => f.endsWith(".js")).map((f) => join(source, f)),
  outdir,
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  target: ["es2020"],
  loader: { ".svg": "dataurl", ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".eot": "dataurl" },
  logLevel: "warning",
});
