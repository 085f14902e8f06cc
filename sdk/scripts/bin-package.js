// Writes bin/package.json: the package as it is packed and installed from bin/, where index.js and
// index.d.ts are found by default. The build's own fields (main, types, scripts, devDependencies) stay here.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
for (const field of ["main", "types", "scripts", "devDependencies"]) delete pkg[field];
fs.writeFileSync(path.join(root, "bin", "package.json"), JSON.stringify(pkg, null, 2) + "\n");
