// What the example tests share: a simulated host configured as a stack's config, a copy of an example
// that a test may edit (inside the repository, so its modules resolve), and a snapshot of everything
// on the host a program can leave behind, to compare before and after.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startSimHost, type SimHost } from "freebsd-sim";
import { secret, type ConfigValue } from "pulumi-engine-harness";
import { ProgramStack, type ProgramStackOptions } from "../engine/program/program-stack.ts";

export const root = resolve(import.meta.dirname, "../..");

/** A simulated host; with racct switched on (as rctl limits need) when asked. */
export async function startHost(opts: { racct?: boolean } = {}): Promise<SimHost> {
  const host = await startSimHost();
  if (opts.racct) {
    await mustExec(host, "echo kern.racct.enable=1 >> /boot/loader.conf");
    host.reboot();
  }
  return host;
}

/** Stack config that points the default provider at a host. */
export function hostConfig(host: SimHost, prefix = "freebsd"): Record<string, ConfigValue> {
  return {
    [`${prefix}:host`]: host.host, [`${prefix}:port`]: String(host.port), [`${prefix}:privateKey`]: secret(host.privateKey),
    [`${prefix}:hostKey`]: host.hostKeyFingerprint,
  };
}

/** Runs a command on the host as an administrator would; fails on a non-zero exit. */
export async function mustExec(host: SimHost, command: string): Promise<string> {
  const r = await host.exec(command);
  if (r.code !== 0) throw new Error(`\`${command}\` exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A copy of a program directory that a test may edit, under .sim/ of the repository; remove() drops it. */
export function copyProgram(dir: string): { dir: string; edit(from: string, to: string): void; remove(): void } {
  mkdirSync(join(root, ".sim"), { recursive: true });
  const base = mkdtempSync(join(root, ".sim", "program-"));
  const copy = join(base, "program");
  cpSync(resolve(root, dir), copy, { recursive: true, filter: (f) => !/node_modules|\.pulumi/.test(f) });
  const yaml = join(copy, "Pulumi.yaml");
  writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/path: (\.\.\/)+provider\/bin/, `path: ${join(root, "provider/bin")}`));
  return {
    dir: copy,
    edit(from, to) {
      const file = join(copy, "index.ts");
      const text = readFileSync(file, "utf8");
      if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
      writeFileSync(file, text.replace(from, to));
    },
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** A stack of a program with its state in a temporary file, type checking off unless asked (it is slow). */
export function programStack(opts: Omit<ProgramStackOptions, "stack"> & { stack?: string; typeCheck?: boolean }): ProgramStack {
  const state = opts.stateFile ?? join(mkdtempSync(join(tmpdir(), "program-state-")), "dev.json");
  return new ProgramStack({
    stack: "dev", ...opts, stateFile: state,
    env: { ...(opts.typeCheck ? {} : { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }), ...opts.env },
  });
}

/** What a program can leave on a host: datasets, snapshots, jails and their files, interfaces, rctl rules, rc.conf. */
export async function hostSnapshot(host: SimHost): Promise<Record<string, string>> {
  const commands: Record<string, string> = {
    datasets: "zfs list -H -o name",
    snapshots: "zfs list -H -t snapshot -o name",
    jails: "jls name",
    jailFiles: "ls -A /etc/jail.conf.d 2>/dev/null; cat /etc/jail.conf 2>/dev/null",
    interfaces: "ifconfig -l",
    rules: "rctl",
    rctlConf: "cat /etc/rctl.conf",
    rcConf: "sysrc -a",
    records: "find /var/db/pulumi-freebsd -type f 2>/dev/null",
  };
  const out: Record<string, string> = {};
  for (const [k, c] of Object.entries(commands)) out[k] = (await host.exec(c)).stdout;
  return out;
}

/**
 * What a snapshot has that an earlier one had not, and the reverse, by section and line. Left out, as
 * the provider leaves them by design: rc.conf's jail_enable=YES (set for the first jail and kept, as
 * other jails, of other stacks or made by hand, may need it) and jail_list and cloned_interfaces once
 * emptied (`sysrc NAME-=WORD` keeps the variable, empty, which is rc.conf's default); and the provider's
 * bookkeeping directories under /var/db/pulumi-freebsd, which keep no file once their resources are gone.
 */
export function snapshotChanges(before: Record<string, string>, after: Record<string, string>): Record<string, { added: string[]; removed: string[] }> {
  const out: Record<string, { added: string[]; removed: string[] }> = {};
  for (const key of Object.keys(before)) {
    const lines = (s: string): string[] => s.split("\n").filter((l) => l.trim() !== "" && !/^(jail_enable: YES|jail_list: |cloned_interfaces: )$/.test(l));
    const a = lines(before[key] ?? "");
    const b = lines(after[key] ?? "");
    const added = b.filter((l) => !a.includes(l));
    const removed = a.filter((l) => !b.includes(l));
    if (added.length || removed.length) out[key] = { added, removed };
  }
  return out;
}
