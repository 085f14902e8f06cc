// Public entry of pulumi-engine-harness: what tests, the demo and the bench use to act as the
// Pulumi engine against the real plugin. `Stack` runs deployments; `startProvider` launches the
// plugin and connects a client; the value helpers build and read inputs and outputs; `ProgramStack`
// runs a Pulumi TypeScript program with the real SDK against the same engine model.
//
//   import { Stack, startProvider, secret } from "pulumi-engine-harness";
//   const stack = new Stack((env) => startProvider({ env }), { config });
//   await stack.up({ d: { type: "freebsd:zfs:Dataset", inputs: { name: "tank/a" } } });

export * from "./stack.ts";
export * from "./harness.ts";
export * from "./values.ts";
export * from "./program/index.ts";
