// Bundles each assets/js/<page>.js into api/static/dist/<page>.js (and its CSS imports into <page>.css).
// Run by `make install` (npm run build); the output is not committed.
import { build } from "esbuild";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(root, "assets", "js");
const outdir = join(root, "api", "static", "dist");

// @bpmn-io/properties-panel words its own buttons' titles ("Toggle section", "Create new list item", "Open pop-up
// editor"...) through a `translate` prop that bpmn-js-properties-panel never passes, so they fall back to its
// module-private translateFallback (English). The modeler hands the page's translate to that fallback through the
// virtual module `jarchy:panel-translate` (assets/js/modeler.js calls setPanelTranslate); the build fails if the
// package no longer has the function, rather than leaving the panel English.
const PANEL = /@bpmn-io[\\/]properties-panel[\\/]dist[\\/]index\.esm\.js$/;
const FALLBACK = "function translateFallback(template, replacements) {";
// bpmn-js-properties-panel titles a Camunda 7 listener ("Start: Java class") with getListenerLabel, which its callers
// call without their translate (its own "@TODO ... internationalized label"); its default becomes the page's.
const CAMUNDA_PANEL = /bpmn-js-properties-panel[\\/]dist[\\/]index\.esm\.js$/;
const LISTENER_LABEL = "function getListenerLabel(listener, translate = value => value) {";
const panelTranslate = {
  name: "jarchy-panel-translate",
  setup(builder) {
    builder.onResolve({ filter: /^jarchy:panel-translate$/ }, (args) => ({ path: args.path, namespace: "jarchy" }));
    builder.onLoad({ filter: /.*/, namespace: "jarchy" }, () => ({
      contents: `let current = null;
export function setPanelTranslate(translate) { current = translate; }
export function panelTranslate() { return current; }`,
      loader: "js",
    }));
    builder.onLoad({ filter: CAMUNDA_PANEL }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes(LISTENER_LABEL)) throw new Error(`${args.path}: no ${LISTENER_LABEL} to translate`);
      return {
        contents: `import { panelTranslate as jarchyPanelTranslate } from "jarchy:panel-translate";\n${source.replace(
          LISTENER_LABEL,
          "function getListenerLabel(listener, translate = (value) => (jarchyPanelTranslate() || ((v) => v))(value)) {",
        )}`,
        loader: "js",
        resolveDir: dirname(args.path),
      };
    });
    builder.onLoad({ filter: PANEL }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes(FALLBACK)) throw new Error(`${args.path}: no ${FALLBACK} to connect the page's translate to`);
      return {
        contents: `import { panelTranslate as jarchyPanelTranslate } from "jarchy:panel-translate";\n${source.replace(
          FALLBACK,
          `${FALLBACK} const jarchy = jarchyPanelTranslate(); if (jarchy) return jarchy(template, replacements);`,
        )}`,
        loader: "js",
        resolveDir: dirname(args.path),
      };
    });
  },
};

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
  plugins: [panelTranslate],
});
