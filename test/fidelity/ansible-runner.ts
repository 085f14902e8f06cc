// Runs Debian's ansible-playbook against a simulated host, as a FreeBSD admin would point it at a
// real one: ssh connection (OpenSSH client, known_hosts pinning the host key, the host's client
// key), ControlMaster multiplexing, pipelining, /usr/local/bin/python3 as the interpreter. Playbooks
// are written as JSON (a subset of YAML) and the json stdout callback's report is parsed.

import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface AnsibleTarget {
  host: string;
  port: number;
  user: string;
  privateKey: string;
  hostPublicKey: string;
}

/** One host's result of one task, as the json callback reports it. */
export type TaskResult = Record<string, unknown> & {
  changed?: boolean;
  failed?: boolean;
  msg?: string;
  diff?: unknown;
  ansible_facts?: Record<string, unknown>;
};

export interface PlaybookRun {
  /** Results of the host `sim`, one per task in play order. */
  tasks: TaskResult[];
  stats: Record<string, number>;
  /** ansible-playbook's exit status (2 when a task failed). */
  code: number;
  stderr: string;
}

export interface RunOptions {
  check?: boolean;
  diff?: boolean;
  /** Extra ANSIBLE_* environment (e.g. ANSIBLE_PIPELINING=False). */
  env?: Record<string, string>;
  /** How long the playbook may run (default 120 s). */
  timeoutMs?: number;
}

/** Why the suite cannot run, or undefined when ansible-playbook and its modules are there. */
export function ansibleMissing(): string | undefined {
  const version = spawnSync("ansible-playbook", ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) {
    return "ansible-playbook is not installed: run `make system` (scripts/ensure-system.sh ansible) or `apt-get install ansible`";
  }
  for (const mod of ["community.general.zfs", "community.general.zfs_facts", "community.general.sysrc"]) {
    const doc = spawnSync("ansible-doc", ["--json", mod], { encoding: "utf8" });
    if (doc.status !== 0 || !doc.stdout.includes(mod.split(".").pop()!)) {
      return `Ansible module ${mod} is missing: Debian's \`ansible\` package (not only ansible-core) carries community.general`;
    }
  }
  return undefined;
}

/** A controller set up for one simulated host: config, inventory, key and known_hosts in a temp dir. */
export class AnsibleController {
  readonly dir: string;
  private readonly config: string;

  constructor(target: AnsibleTarget) {
    this.dir = mkdtempSync(join(tmpdir(), "ansible-fidelity-"));
    const key = join(this.dir, "id_ed25519");
    writeFileSync(key, target.privateKey, { mode: 0o600 });
    const knownHosts = join(this.dir, "known_hosts");
    writeFileSync(knownHosts, `[${target.host}]:${target.port} ${target.hostPublicKey}\n`);
    const inventory = join(this.dir, "hosts.ini");
    // What a FreeBSD inventory says: python comes from ports, at /usr/local/bin/python3.
    writeFileSync(inventory, [
      "[freebsd]",
      `sim ansible_host=${target.host} ansible_port=${target.port} ansible_user=${target.user}`
        + ` ansible_connection=ssh ansible_ssh_private_key_file=${key}`
        + " ansible_python_interpreter=/usr/local/bin/python3",
      "",
    ].join("\n"));
    mkdirSync(join(this.dir, "cp"));
    mkdirSync(join(this.dir, "local-tmp"));
    this.config = join(this.dir, "ansible.cfg");
    const sshArgs = [
      "-F /dev/null", "-o IdentitiesOnly=yes", "-o IdentityAgent=none", "-o BatchMode=yes",
      `-o UserKnownHostsFile=${knownHosts}`, "-o StrictHostKeyChecking=yes",
      "-o ControlMaster=auto", "-o ControlPersist=300s",
    ].join(" ");
    writeFileSync(this.config, [
      "[defaults]",
      `inventory = ${inventory}`,
      "host_key_checking = True",
      "retry_files_enabled = False",
      `local_tmp = ${join(this.dir, "local-tmp")}`,
      "remote_tmp = ~/.ansible/tmp",
      "",
      "[ssh_connection]",
      "pipelining = True",
      `control_path_dir = ${join(this.dir, "cp")}`,
      `ssh_args = ${sshArgs}`,
      "",
    ].join("\n"));
  }

  /** Runs a one-play playbook (gather_facts off) against the host and parses the json report. */
  async play(tasks: object[], opts: RunOptions = {}): Promise<PlaybookRun> {
    const file = join(this.dir, `play-${Date.now()}-${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(file, JSON.stringify([{ hosts: "sim", gather_facts: false, tasks }], null, 2));
    const args = [file];
    if (opts.check) args.push("--check");
    if (opts.diff) args.push("--diff");
    const env = {
      ...process.env,
      ANSIBLE_CONFIG: this.config,
      ANSIBLE_STDOUT_CALLBACK: "json",
      ANSIBLE_NOCOLOR: "1",
      ANSIBLE_FORCE_COLOR: "0",
      ANSIBLE_HOME: join(this.dir, "home"),
      ...opts.env,
    };
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
      execFile("ansible-playbook", args, { env, maxBuffer: 64 << 20, timeout: opts.timeoutMs ?? 120_000 }, (err, stdout, stderr) => {
        const status = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ stdout, stderr, code: status });
      });
    });
    let report: JsonReport;
    try {
      report = JSON.parse(stdout) as JsonReport;
    } catch {
      throw new Error(`ansible-playbook exited ${code} without a JSON report:\n${stdout}\n${stderr}`);
    }
    const play = report.plays[0];
    const tasksOut = (play?.tasks ?? []).map((t) => t.hosts["sim"] ?? {});
    return { tasks: tasksOut, stats: report.stats["sim"] ?? {}, code, stderr };
  }

  /** Removes the controller's temp dir (the ControlMaster exits when the host's server stops). */
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface JsonReport {
  plays: { tasks: { hosts: Record<string, TaskResult> }[] }[];
  stats: Record<string, Record<string, number>>;
}
