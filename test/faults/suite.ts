import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "../lifecycle/target.ts";
import { allFaults, describeFault, ops, sampleFaults, SubjectRun, type Baseline, type Fault, type Op } from "./driver.ts";
import { JAIL_ROOT, PREFIX, subjects } from "./subjects.ts";

// The fault suite of one resource type, for vitest: `make test` runs a sample of each operation's
// faults (sampleFaults), `make soak-faults` (FREEBSD_FAULTS=all) every one (allFaults). Prints the
// figures: cases per operation, how the faulted operation ended, all converged.

export const everyFault = process.env["FREEBSD_FAULTS"] === "all";
/** The fault cases to rerun, as the suite names them (`fail tool 5`, or a start: `stall`), with FREEBSD_FAULTS=all and `vitest -t`. */
const onlyFault = process.env["FREEBSD_FAULT_ONLY"];

export function faultSuite(index: number, env: () => { sim: SimHost; target: TestTarget }): void {
  const subject = subjects[index]!;
  const figures: string[] = [];
  describe(`faults: ${subject.label}`, () => {
    afterAll(() => {
      if (figures.length > 0) console.log(`faults ${subject.label} (${everyFault ? "every fault" : "sample"}):\n  ${figures.join("\n  ")}`);
    });
    let run: SubjectRun;
    it.each(ops)(`${subject.label} %s: every fault converges`, async (op: Op) => {
      const { sim, target } = env();
      run ??= new SubjectRun(sim, subject, target.config as never);
      const b: Baseline = await run.baseline(op);
      if (b.execs === 0 && b.tools.length === 0) {
        // The operation does not reach the host (a Rollback's delete leaves the data): nothing to fault.
        figures.push(`${op}: no exec, no tool run (${b.ms} ms fault-free): nothing to fault`);
        expect(b.postView).toBe(b.preView);
        return;
      }
      const faults: Fault[] = (everyFault ? allFaults(b) : sampleFaults(b, op, index)).filter((f) => !onlyFault || describeFault(f) === onlyFault || describeFault(f).startsWith(`${onlyFault} `));
      if (onlyFault) console.log(`${subject.label} ${op} fault-free tool runs:\n  ${b.tools.map((t) => t.join(" ")).join("\n  ")}`);
      const started = Date.now();
      const outcomes = { failed: 0, succeeded: 0 };
      for (const f of faults) {
        try {
          outcomes[await run.runCase(op, f, b)]++;
        } catch (e) {
          throw new Error(`${subject.label} ${op}, ${describeFault(f)}: ${(e as Error).message}`, { cause: e });
        }
      }
      figures.push(
        `${op}: ${b.execs} execs, ${b.tools.length} tool runs (${b.ms} ms fault-free); ${faults.length} cases passed ` +
        `(operation failed ${outcomes.failed}, succeeded despite the fault ${outcomes.succeeded}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(faults.length).toBeGreaterThan(0);
    }, everyFault ? 3_600_000 : 180_000);
  });
}

/** One test file's fault suite: a simulated host of its own (with a jail's userland and racct when the type needs them). */
export function faultFile(label: string): void {
  let sim: SimHost;
  let target: TestTarget;
  beforeAll(async () => {
    sim = await startSimHost();
    target = targetOnSim(sim, PREFIX);
    await mustRun(target, `zfs create ${PREFIX}`);
    if (label === "Jail") await mustRun(target, `zfs create -p ${PREFIX}/jails/fj && tar -xf /usr/freebsd-dist/base.txz -C ${JAIL_ROOT}`);
    const hostSetup = subjects.find((s) => s.label === label)?.hostSetup;
    if (hostSetup) await mustRun(target, hostSetup);
    if (label === "Limit") {
      // rctl needs racct, a loader tunable read at boot.
      await mustRun(target, "echo 'kern.racct.enable=1' >> /boot/loader.conf");
      sim.reboot();
    }
  }, 300_000);
  afterAll(async () => sim?.stop());
  faultSuite(subjects.findIndex((s) => s.label === label), () => ({ sim, target }));
}
