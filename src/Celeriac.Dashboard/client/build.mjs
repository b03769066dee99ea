// Builds the dashboard's front end into ../wwwroot (not committed: the assembly embeds what this writes).
// app.js is the shell and every page but the overview; the overview and the charting library (uPlot) are a
// chunk app.js imports only when that page opens (esbuild splitting), so the other pages never load it.
// app.css bundles our styles with uPlot's. `--watch` rebuilds on change for work on the UI.
import * as esbuild from "esbuild";
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";

const out = new URL("../wwwroot/", import.meta.url).pathname;
const watch = process.argv.includes("--watch");

// Old chunks would stay embedded (and counted by the size test) if not cleared.
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const common = { bundle: true, minify: !watch, sourcemap: false, outdir: out, metafile: true, logLevel: "warning" };
const script = {
  ...common,
  entryPoints: { app: "src/main.tsx" },
  format: "esm",
  splitting: true,
  chunkNames: "[name]-[hash]",
  target: ["es2020"],
  jsx: "automatic",
  jsxImportSource: "preact",
};
const style = { ...common, entryPoints: { app: "src/app.css" } };
await copyFile("src/index.html", out + "index.html");
if (watch) {
  await (await esbuild.context(script)).watch();
  await (await esbuild.context(style)).watch();
} else {
  const [js, css] = await Promise.all([esbuild.build(script), esbuild.build(style)]);
  await writeFile(out + "meta.json", JSON.stringify({ js: js.metafile, css: css.metafile }));
  // The stamp MSBuild compares against the sources, written last so a failed build leaves none.
  await writeFile(out + ".stamp", new Date().toISOString() + "\n");
}
