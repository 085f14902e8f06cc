// Ansible's community.general.zfs in check mode over 100 datasets, against the provider's refresh of
// the same 100, both through Debian's OpenSSH sshd in front of the simulated host (Ansible as a FreeBSD
// administrator runs it: ControlMaster, pipelining, python from ports).
import { Stack, type Program } from "pulumi-engine-harness";
import { startSimHost } from "freebsd-sim";
import { AnsibleController, ansibleMissing } from "../../fidelity/ansible-runner.ts";
import { behindProxy, measure, PluginMeter, type Row } from "../meter.ts";

export async function benchAnsible(rtts: number[], count = 100): Promise<Row[]> {
  const missing = ansibleMissing();
  if (missing) throw new Error(missing);
  const sim = await startSimHost({ server: "openssh" });
  const rows: Row[] = [];
  const what = `${count} datasets checked, behind OpenSSH`;
  try {
    const names = Array.from({ length: count }, (_, i) => `zroot/ans/d${i}`);
    sim.seedFilesystems(names, { compression: "lz4" });
    const program: Program = Object.fromEntries(names.map((name, i) => [`d${i}`, {
      type: "freebsd:zfs:Dataset", inputs: { name, properties: { compression: "lz4" } }, options: { import: name },
    }]));
    for (const rtt of rtts) {
      const host = await behindProxy(sim, rtt);
      const ansible = new AnsibleController({ ...sim, port: host.proxy.port });
      try {
        const meter = new PluginMeter();
        const stack = new Stack(meter.launch, { config: host.config, parallel: true });
        await stack.up(program, { skipPreview: true });
        rows.push({ scenario: what, way: "provider: refresh", rttMs: rtt, figures: await measure(host, meter, () => stack.refresh({ skipPreview: true })) });
        const task = {
          name: "datasets", loop: names,
          "community.general.zfs": { name: "{{ item }}", state: "present", extra_zfs_properties: { compression: "lz4" } },
        };
        rows.push({
          scenario: what, way: "Ansible: zfs module, --check", rttMs: rtt,
          figures: await measure(host, undefined, async () => {
            const run = await ansible.play([task], { check: true, timeoutMs: 1_800_000 });
            if (run.code !== 0 || run.stats["changed"] !== 0) throw new Error(`Ansible's check failed or found changes (exit ${run.code}): ${run.stderr}`);
          }),
        });
      } finally {
        ansible.cleanup();
        await host.close();
      }
    }
  } finally {
    await sim.stop();
  }
  return rows;
}
