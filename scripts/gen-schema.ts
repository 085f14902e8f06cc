// Writes schema.json from the provider's own zod schemas (`make schema`); a test checks it is current.
import { writeFileSync } from "node:fs";
import { buildSchema } from "../provider/src/schema.ts";

const target = new URL("../schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(buildSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
