import { hostView, planCreate, planDelete, planUpdate, read, type HostParts } from "./host-view.ts";
import { parseZfsGet } from "../../provider/src/freebsd/zfs-output.ts";
import { jailInputs, type JailInputs } from "../../provider/src/resources/jail/schema.ts";

// Inventories and inputs for the pure tests of freebsd:jail:Jail.

const hostParams = ["path", "host.hostname", "vnet", "ip4.addr", "ip6.addr", "allow.raw_sockets", "allow.mount", "allow.mount.zfs",
  "enforce_statfs", "persist", "securelevel", "devfs_ruleset", "children.max", "osrelease"];

/** An inventory of a host with one dataset and the given overrides. */
export function inventory(over: Partial<HostParts> = {}): HostParts {
  return {
    host: "h", pools: [], snapshots: new Map(), jails: [], files: new Map(), rc: new Map([["jail_enable", "NO"], ["jail_list", ""]]),
    jailParams: new Set(hostParams),
    datasets: parseZfsGet("zroot/data\ttype\tfilesystem\t-\nzroot/data\tjailed\toff\tdefault\n"),
    ...over,
  };
}

/** Checked inputs of the jail `web`. */
export const inputs = (over: Partial<JailInputs>): JailInputs => jailInputs.parse({ name: "web", path: "/usr/jails/web", ...over });
export const argvs = (cmds: { argv: readonly string[] }[]) => cmds.map((c) => [...c.argv]);
/** A command's argv without the host lock (`lockf -k -t N FILE`) around it. */
export const unlocked = (argv: readonly string[]) => (argv[0] === "lockf" ? argv.slice(5) : [...argv]);
/** What a checked start or stop script runs (`service jail onestart NAME`), or the argv itself. */
export const action = (argv: readonly string[]) => {
  const m = /service jail (one\w+)/.exec(argv[0] === "/bin/sh" ? argv[2] ?? "" : "");
  return m ? ["service", "jail", m[1]!, argv[4]!] : unlocked(argv);
};
/** The context of the resource `web` of stack test. */
export const ctx = { urn: "urn:pulumi:test::proj::freebsd:jail:Jail::web", warn: (_message: string) => undefined };
/** jls's jail `web` (jid 3) with the given parameters. */
export const live = (params: Record<string, unknown>) =>
  ({ jid: 3, name: "web", params: { jid: 3, name: "web", path: "/usr/jails/web", ...params } as never });
/** A host with these files, `web` in jail_list, and `web` running when jls parameters are given. */
export const hosted = (files: Record<string, string>, jls?: Record<string, unknown>) => inventory({
  files: new Map(Object.entries(files)), jails: jls ? [live(jls)] : [], rc: new Map([["jail_enable", "YES"], ["jail_list", "web"]]),
});
export const confd = "/etc/jail.conf.d/web.conf";
