import { afterAll, beforeAll } from "vitest";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "../lifecycle/target.ts";
import { faultSuite } from "./suite.ts";
import { JAIL_ROOT, PREFIX, subjects } from "./subjects.ts";

// Faults (issue 13) for jails and rctl limits. See suite.ts.

let sim: SimHost;
let target: TestTarget;

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, PREFIX);
  // The jail's userland as a Release would leave it; rctl needs racct, a loader tunable read at boot.
  await mustRun(target, `zfs create -p ${PREFIX}/jails/fj && tar -xf /usr/freebsd-dist/base.txz -C ${JAIL_ROOT}`);
  await mustRun(target, "echo 'kern.racct.enable=1' >> /boot/loader.conf");
  sim.reboot();
}, 300_000);
afterAll(async () => sim?.stop());

for (const label of ["Jail", "Limit"]) {
  faultSuite(subjects.findIndex((s) => s.label === label), () => ({ sim, target }));
}
