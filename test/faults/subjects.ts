import { secret, type Program, type ResourceSpec } from "pulumi-engine-harness";
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
  /** Run on the host once, before the file's first case (a jail's userland, racct). */
  hostSetup?: string;
  /** Run on the host after the prerequisites are up, before the operation (what the resource acts on). */
  setup?: string;
  /** More of the host's view, for what this type touches (file contents). */
  view?: string;
  /**
   * An action, not an object (a Rollback, a Command's scripts): its effects are no object a read could
   * find, so a refresh keeps what the state says of it and the next up runs what the engine was not told
   * had run (once more: an action is run at least once). Its cases check the host after the next up.
   */
  action?: boolean;
  /**
   * The state before an update or a delete depends on the way there (a replica made at s2 holds only
   * s2; one that went from s1 to s2 holds both): it is made from none each time.
   */
  rebuild?: boolean;
  /**
   * The execs an update's Diff makes before the Update itself (a replica reads both its hosts there).
   * The engine gives Diff no timeout, so a stall there ends at the provider's own bound for Diff's
   * reads, not at the update's customTimeouts.
   */
  diffExecs?: number;
  /** The resources as they depend on the simulated host (a Replica's source is reached over SSH). */
  bind?: (sim: SimHost) => Pick<Subject, "prereq" | "v1" | "v2">;
}

/** A subject with its resources bound to the simulated host it runs against. */
export function bound(subject: Subject, sim: SimHost): Subject {
  return subject.bind ? { ...subject, ...subject.bind(sim) } : subject;
}

const replicaOf = (sim: SimHost, snapshot: string): ResourceSpec => ({
  type: "freebsd:zfs:Replica",
  inputs: {
    // The source is the same simulated host, reached over a connection of its own.
    source: { host: sim.host, port: sim.port, user: sim.user, privateKey: secret(sim.privateKey), hostKey: sim.hostKeyFingerprint },
    sourceDataset: `${PREFIX}/rsrc`, dataset: `${PREFIX}/rrep`, sourceSnapshot: snapshot, forceDestroy: true,
  } as never,
});

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
    // An action: create rolls back, a new trigger rolls back again, delete leaves the data. Before each
    // operation a file is written after the snapshot, so every rollback shows (the file goes).
    type: "freebsd:zfs:Rollback",
    label: "Rollback",
    action: true,
    prereq: {
      rbds: { type: "freebsd:zfs:Dataset", inputs: { name: `${PREFIX}/rbds` } },
      rbsnap: { type: "freebsd:zfs:Snapshot", inputs: { dataset: `${PREFIX}/rbds`, name: "clean" }, options: { dependsOn: ["rbds"] } },
    },
    setup: `echo written-after > /${PREFIX}/rbds/after`,
    view: `echo '# rbds'; ls /${PREFIX}/rbds; zfs list -H -t snapshot -o name -r ${PREFIX}/rbds`,
    v1: { type: "freebsd:zfs:Rollback", inputs: { dataset: `${PREFIX}/rbds`, snapshot: "clean", triggers: ["1"] }, options: { dependsOn: ["rbsnap"] } },
    v2: { type: "freebsd:zfs:Rollback", inputs: { dataset: `${PREFIX}/rbds`, snapshot: "clean", triggers: ["2"] }, options: { dependsOn: ["rbsnap"] } },
  },
  {
    // Scripts run in a running jail: create writes a file, update rewrites it, delete removes it.
    type: "freebsd:jail:Command",
    label: "Command",
    action: true,
    prereq: { cj: { type: "freebsd:jail:Jail", inputs: { name: "fc", path: JAIL_ROOT } } },
    hostSetup: `zfs create -p ${PREFIX}/jails/fj && tar -xf /usr/freebsd-dist/base.txz -C ${JAIL_ROOT}`,
    view: `echo '# command'; cat ${JAIL_ROOT}/var/tmp/cmd 2>/dev/null; true`,
    v1: { type: "freebsd:jail:Command", inputs: { jail: "fc", create: "echo one > /var/tmp/cmd", delete: "rm -f /var/tmp/cmd" }, options: { dependsOn: ["cj"] } },
    v2: { type: "freebsd:jail:Command", inputs: { jail: "fc", create: "echo two > /var/tmp/cmd", delete: "rm -f /var/tmp/cmd" }, options: { dependsOn: ["cj"] } },
  },
  {
    // A base system from install media on the host: fetched (copied), checked, extracted, snapshotted
    // @base; the update changes only forceDestroy (nothing else of a release changes in place).
    type: "freebsd:jail:Release",
    label: "Release",
    prereq: {},
    view: `echo '# release'; ls /${PREFIX}/rel 2>/dev/null | head -5; zfs list -H -t snapshot -o name -r ${PREFIX} 2>/dev/null; true`,
    v1: { type: "freebsd:jail:Release", inputs: { version: "14.3-RELEASE", dataset: `${PREFIX}/rel`, source: { mirror: "/usr/freebsd-dist", sets: ["base"] } } },
    v2: { type: "freebsd:jail:Release", inputs: { version: "14.3-RELEASE", dataset: `${PREFIX}/rel`, source: { mirror: "/usr/freebsd-dist", sets: ["base"] }, forceDestroy: true } },
  },
  {
    // A replica of a dataset with two snapshots: create sends s1 in full, update sends s2
    // incrementally, delete destroys the replica (forceDestroy, so each case starts from none).
    type: "freebsd:zfs:Replica",
    label: "Replica",
    rebuild: true,
    // Diff reads the replica's host and then its source's (a connection of its own to the same host).
    diffExecs: 2,
    prereq: {},
    hostSetup: `zfs create ${PREFIX}/rsrc && echo v1 > /${PREFIX}/rsrc/data && zfs snapshot ${PREFIX}/rsrc@s1 && ` +
      `echo v2 > /${PREFIX}/rsrc/data && zfs snapshot ${PREFIX}/rsrc@s2`,
    // A replica does not go back to an older source snapshot: before each operation it is rolled back
    // by hand to s1 (the newer one it may hold from the case before goes), so every update sends s2 again.
    setup: `zfs rollback -r ${PREFIX}/rrep@s1 2>/dev/null; true`,
    // The replica's snapshots by guid (the ones sent); its own guid is new with each receive.
    view: `echo '# replica'; zfs list -H -o name ${PREFIX}/rrep 2>/dev/null; zfs list -H -t snapshot -o name,guid -r ${PREFIX}/rrep 2>/dev/null; true`,
    v1: { type: "freebsd:zfs:Replica", inputs: {} },
    v2: { type: "freebsd:zfs:Replica", inputs: {} },
    bind: (sim) => ({ prereq: {}, v1: replicaOf(sim, "s1"), v2: replicaOf(sim, "s2") }),
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
export async function hostView(sim: SimHost, subject?: Subject): Promise<string> {
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
    ...(subject?.view ? [subject.view] : []),
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
