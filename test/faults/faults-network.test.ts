import { afterAll, beforeAll } from "vitest";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "../lifecycle/target.ts";
import { faultSuite } from "./suite.ts";
import { PREFIX, subjects } from "./subjects.ts";

// Faults (issue 13) for VNET bridges and epairs. See suite.ts.

let sim: SimHost;
let target: TestTarget;

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, PREFIX);
  await mustRun(target, `zfs create ${PREFIX}`);
});
afterAll(async () => sim?.stop());

for (const label of ["Bridge", "Epair"]) {
  faultSuite(subjects.findIndex((s) => s.label === label), () => ({ sim, target }));
}
