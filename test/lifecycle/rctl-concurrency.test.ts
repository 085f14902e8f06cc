import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, type ProviderClient, type ValueMap } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "./target.ts";

// Many rctl limits created and deleted at once through one plugin, as the engine runs the steps of
// one up or destroy in parallel (found by the program runner: the nine limits of three tenants). Every
// one edits /etc/rctl.conf; edits released together go to the host in one script, where all but the
// first find the file changed and plan again, so N limits take N rounds; a round in which another
// writer got in does not count against the six a plan gets when nothing changes.

const L = "freebsd:rctl:Limit";
let sim: SimHost;
let target: TestTarget;

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot");
  await mustRun(target, "echo 'kern.racct.enable=1' >> /boot/loader.conf");
  sim.reboot();
});
afterAll(async () => sim?.stop());

async function plugin(): Promise<ProviderClient> {
  const p = await startProvider({});
  await p.handshake();
  const urn = "urn:pulumi:many::proj::pulumi:providers:freebsd::default";
  const checked = await p.checkConfig({ urn, olds: {}, news: target.config as ValueMap, allowUnknowns: false });
  await p.configure({ urn, id: "0", inputs: checked.inputs! });
  return p;
}

const subjects = Array.from({ length: 8 }, (_, i) => `jail:t${i}`);
const urnOf = (i: number) => `urn:pulumi:many::proj::${L}::t${i}-memory`;

describe("eight limits at once (more than the six rounds a stalled plan gets) through one plugin", () => {
  it("are all created and all deleted, rctl.conf keeping exactly its own lines", async () => {
    const p = await plugin();
    try {
      const created = await Promise.allSettled(subjects.map(async (subject, i) => {
        const checked = await p.check({ urn: urnOf(i), news: { subject, resource: "memoryuse", action: "deny", amount: `${i + 1}m` }, allowUnknowns: false });
        return { checked: checked.inputs!, res: await p.create({ urn: urnOf(i), properties: checked.inputs!, preview: false }) };
      }));
      expect(created.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []))).toEqual([]);
      const conf = await mustRun(target, "cat /etc/rctl.conf");
      for (const [i, s] of subjects.entries()) expect(conf).toContain(`# pulumi:urn "${urnOf(i)}"\n${s}:memoryuse:deny=${i + 1}m\n`);
      expect((await mustRun(target, "rctl")).trim().split("\n")).toHaveLength(8);

      const done = created.map((r) => (r as PromiseFulfilledResult<{ checked: ValueMap; res: { id: string; properties?: ValueMap } }>).value);
      const deleted = await Promise.allSettled(done.map((d, i) =>
        p.delete({ urn: urnOf(i), id: d.res.id, inputs: d.checked, outputs: d.res.properties ?? {} })));
      expect(deleted.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []))).toEqual([]);
      expect(await mustRun(target, "cat /etc/rctl.conf")).not.toMatch(/pulumi:urn|memoryuse/);
      expect((await mustRun(target, "rctl")).trim()).toBe("");
    } finally {
      await p.kill();
    }
  }, 300_000);
});
