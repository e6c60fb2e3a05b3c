// Copies the npm assets the pages use into frontend/build/vendor/, where Django's staticfiles finds them.
// No bundler is needed: the packages ship ready-built files.
import { cpSync, mkdirSync, rmSync } from "node:fs";
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
];
rmSync(out, { recursive: true, force: true });
for (const [from, to] of files) {
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(modules, from), target);
}
console.log(`copied ${files.length} files to ${out}`);
