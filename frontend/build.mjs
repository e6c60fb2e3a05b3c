// Copies the npm assets the pages use into frontend/build/vendor/, where Django's staticfiles finds them.
// No bundler is needed: the packages ship ready-built files.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "build", "vendor");
const modules = join(here, "node_modules");
const files = [
  ["@digdir/designsystemet-css/dist/src/index.css", "designsystemet/designsystemet.css"],
  ["@digdir/designsystemet-css/LICENSE", "designsystemet/LICENSE"],
  ["@digdir/designsystemet-theme/brand/digdir.css", "designsystemet/theme-digdir.css"],
  ["@digdir/designsystemet-theme/LICENSE", "designsystemet/LICENSE-theme"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["htmx.org/LICENSE", "htmx/LICENSE"],
  ["vega/build/vega.min.js", "vega/vega.min.js"],
  ["vega/LICENSE", "vega/LICENSE"],
  ["vega-lite/build/vega-lite.min.js", "vega/vega-lite.min.js"],
  ["vega-lite/build/vega-lite.min.js.map", "vega/vega-lite.min.js.map"],
  ["vega-lite/LICENSE", "vega/LICENSE-vega-lite"],
  ["vega-embed/build/vega-embed.min.js", "vega/vega-embed.min.js"],
  ["vega-embed/build/vega-embed.min.js.map", "vega/vega-embed.min.js.map"],
  ["vega-embed/LICENSE", "vega/LICENSE-vega-embed"],
  ["vega-interpreter/LICENSE", "vega/LICENSE-vega-interpreter"],
];
rmSync(out, { recursive: true, force: true });
for (const [from, to] of files) {
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(modules, from), target);
}

// vega-interpreter (Vega expressions without `new Function`, so charts run under a CSP without 'unsafe-eval')
// ships only as an ES module importing vega-util. The vega bundle exposes the same functions on `window.vega`,
// so wrap the module as a classic script that reads them from there and sets `window.vegaInterpreter`.
const interpreter = readFileSync(join(modules, "vega-interpreter/build/vega-interpreter.js"), "utf8");
const importLine = "import { ascending, isString, DisallowedObjectProperties } from 'vega-util';";
const exportLine = "export { expression as expressionInterpreter };";
if (!interpreter.includes(importLine) || !interpreter.includes(exportLine)) {
  throw new Error("vega-interpreter changed its imports/exports: update build.mjs");
}
const wrapped = [
  "// vega-interpreter (BSD-3-Clause), wrapped as a classic script by frontend/build.mjs",
  "(function (vega) {",
  '"use strict";',
  "const { ascending, isString, DisallowedObjectProperties } = vega;",
  interpreter.replace(importLine, "").replace(exportLine, "").replace(/^\/\/# sourceMappingURL=.*$/m, ""),
  "globalThis.vegaInterpreter = { expressionInterpreter: expression };",
  "})(globalThis.vega);",
  "",
].join("\n");
writeFileSync(join(out, "vega", "vega-interpreter.js"), wrapped);
console.log(`copied ${files.length} files and wrapped vega-interpreter into ${out}`);
