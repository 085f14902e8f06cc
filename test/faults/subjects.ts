import type { Program, ResourceSpec } from "pulumi-engine-harness";
import type { SimHost } from "freebsd-sim";

// The resource types the fault, reboot and concurrency suites drive: for each, what must exist first
// (in the same stack), a first and a second version of the resource (create = none → v1, update =
// v1 → v2, delete = v2 → none), and the host commands whose output shows everything it touches.

export const PREFIX = "zroot/f";
export const JAIL_ROOT = `/${PREFIX}/jails/fj`;

export interface Subject {
  /** Resource type, as in the schema. */
  type: string;
  /** Short label in test names. */
  label: string;
  /** Resources the subject needs first (kept through every case). */
  prereq: Program;
  v1: ResourceSpec;
  v2: ResourceSpec;
}

export const subjects: Subject[] = [
  {
    type: "freebsd:zfs:Dataset",
    label: "Dataset",
    prereq: {},
    v1: { type: "freebsd:zfs:Dataset", inputs: { name: `${PREFIX}/ds`, properties: { quota: "1G", "org.example:tag": "one" } } },
    v2: { type: "freebsd:zfs:Dataset", inputs: { name: `${PREFIX}/ds`, properties: { quota: "2G", "org.example:tag": "two" } } },
  },
  {
    type: "freebsd:zfs:Snapshot",
    label: "Snapshot",
    prereq: { snapds: { type: "freebsd:zfs:Dataset", inputs: { name: `${PREFIX}/snapds` } } },
    v1: { type: "freebsd:zfs:Snapshot", inputs: { dataset: `${PREFIX}/snapds`, name: "s1", properties: { "org.example:tag": "one" } }, options: { dependsOn: ["snapds"] } },
    v2: { type: "freebsd:zfs:Snapshot", inputs: { dataset: `${PREFIX}/snapds`, name: "s1", properties: { "org.example:tag": "two" } }, options: { dependsOn: ["snapds"] } },
  },
  {
    type: "freebsd:jail:Jail",
    label: "Jail",
    prereq: {},
    v1: { type: "freebsd:jail:Jail", inputs: { name: "fj", path: JAIL_ROOT, hostname: "one.example", ip4: ["10.92.0.10"] } },
    v2: { type: "freebsd:jail:Jail", inputs: { name: "fj", path: JAIL_ROOT, hostname: "two.example", ip4: ["10.92.0.10"] } },
  },
  {
    type: "freebsd:rctl:Limit",
    label: "Limit",
    prereq: {},
    v1: { type: "freebsd:rctl:Limit", inputs: { subject: "jail:lim", resource: "memoryuse", action: "deny", amount: "512m" } },
    v2: { type: "freebsd:rctl:Limit", inputs: { subject: "jail:lim", resource: "memoryuse", action: "deny", amount: "256m" } },
  },
  {
    type: "freebsd:network:Bridge",
    label: "Bridge",
    prereq: {},
    v1: { type: "freebsd:network:Bridge", inputs: { name: "fbr0", addresses: ["10.93.0.1/24"], description: "one" } },
    v2: { type: "freebsd:network:Bridge", inputs: { name: "fbr0", addresses: ["10.93.0.2/24"], description: "two" } },
  },
  {
    type: "freebsd:network:Epair",
    label: "Epair",
    prereq: {},
    v1: { type: "freebsd:network:Epair", inputs: { name: "fe0", description: "one", mtu: 1500 } },
    v2: { type: "freebsd:network:Epair", inputs: { name: "fe0", description: "two", mtu: 9000 } },
  },
];

/** What the host holds that any subject touches, as one text an administrator would read. */
export async function hostView(sim: SimHost): Promise<string> {
  const script = [
    "echo '# datasets'; zfs list -H -t all -o name,quota,org.example:tag -r " + PREFIX,
    "echo '# jails'; jls -N name host.hostname path ip4.addr",
    "echo '# jail.conf.d'; for f in /etc/jail.conf.d/*; do [ -e \"$f\" ] && { echo \"$f\"; cat \"$f\"; }; done",
    "echo '# rc.conf'; sort /etc/rc.conf",
    "echo '# rctl.conf'; cat /etc/rctl.conf 2>/dev/null",
    "echo '# rctl'; rctl",
    "echo '# interfaces'; for i in $(ifconfig -l); do ifconfig $i; done",
    // The interface markers: written first by a create, removed last by a delete.
    "echo '# markers'; for f in /var/db/pulumi-freebsd/interfaces/*; do if [ -e \"$f\" ]; then echo \"$f\"; cat \"$f\"; fi; done",
  ].join("; ");
  const r = await sim.exec(script);
  if (r.code !== 0) throw new Error(`host view failed (${r.code}): ${r.stderr}`);
  return normalize(r.stdout);
}

/**
 * Leaves out what the provider leaves by design (emptied rc.conf lists, jail_enable once a jail was
 * made) and what changes on its own (jail ids); rc.conf is sorted (its order means nothing; a
 * duplicate still shows).
 */
function normalize(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/^[a-z_0-9]+=""$/.test(l) && l !== 'jail_enable="YES"')
    .filter((l) => !/^\s*jid\b/.test(l))
    .join("\n");
}
