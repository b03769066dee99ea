// Builds the dashboard's front end into ../wwwroot (not committed: the assembly embeds what this writes).
// One bundle per entry, minified; app.css beside it. `--watch` rebuilds on change for work on the UI.
import * as esbuild from "esbuild";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";

const out = new URL("../wwwroot/", import.meta.url).pathname;
const watch = process.argv.includes("--watch");

await mkdir(out, { recursive: true });
const options = {
  entryPoints: { app: "src/main.tsx" },
  bundle: true,
  minify: !watch,
  sourcemap: false,
  format: "esm",
  target: ["es2020"],
  jsx: "automatic",
  jsxImportSource: "preact",
  outdir: out,
  metafile: true,
  logLevel: "warning",
};
await copyFile("src/index.html", out + "index.html");
await copyFile("src/app.css", out + "app.css");
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  const result = await esbuild.build(options);
  await writeFile(out + "meta.json", JSON.stringify(result.metafile));
  // The stamp MSBuild compares against the sources, written last so a failed build leaves none.
  await writeFile(out + ".stamp", new Date().toISOString() + "\n");
}
