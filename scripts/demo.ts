// `make demo`: examples/multi-tenant-vnet, a real Pulumi program, against a simulated FreeBSD host:
// preview, up, a change made by hand on the host, the refresh that shows exactly that drift, the up
// that converges it, a tenant added by one line of the program, and destroy with nothing left.
// It runs through the Pulumi CLI when one is on PATH (a local file backend), else through the
// program runner of test/engine (the real @pulumi/pulumi SDK, the engine stood in for), and says which.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startSimHost, type SimHost } from "freebsd-sim";
import { ProgramRunError, ProgramStack, pulumiOnPath, readProject, runWithPulumiCli, secret } from "pulumi-engine-harness";

const root = resolve(import.meta.dirname, "..");
const color = process.stdout.isTTY ?? false;
const bold = (s: string): string => (color ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string): string => (color ? `\x1b[2m${s}\x1b[0m` : s);
const green = (s: string): string => (color ? `\x1b[32m${s}\x1b[0m` : s);

type Operation = "preview" | "up" | "refresh" | "destroy";

/** Runs `pulumi <op>` on the demo's copy of the program, through the CLI or the runner. */
type Driver = (op: Operation) => Promise<void>;

function step(title: string): void {
  console.log(`\n${bold(`==> ${title}`)}\n`);
}

async function admin(host: SimHost, command: string): Promise<string> {
  console.log(`${dim("root@freebsd:~ #")} ${command}`);
  const r = await host.exec(command);
  const text = (r.stdout + r.stderr).replace(/\n$/, "");
  if (text) console.log(text);
  return r.stdout;
}

// A copy of the example the demo can edit, in the repository (so its modules resolve), its plugin path made absolute.
function copyExample(): string {
  mkdirSync(join(root, ".sim"), { recursive: true });
  const dir = join(mkdtempSync(join(root, ".sim", "demo-")), "multi-tenant-vnet");
  cpSync(join(root, "examples/multi-tenant-vnet"), dir, { recursive: true, filter: (f) => !/node_modules|\.pulumi/.test(f) });
  const yaml = join(dir, "Pulumi.yaml");
  writeFileSync(yaml, readFileSync(yaml, "utf8").replace("path: ../../provider/bin", `path: ${join(root, "provider/bin")}`));
  return dir;
}

// Adds one tenant: one line after the last one of the list in index.ts.
function addTenant(dir: string, line: string): void {
  const file = join(dir, "index.ts");
  const text = readFileSync(file, "utf8");
  const last = '    { name: "beta", address: "10.77.0.12/24", memory: "1g", cpu: 100, processes: 128, quota: "10G" },\n';
  if (!text.includes(last)) throw new Error("demo: the tenant list of examples/multi-tenant-vnet/index.ts changed; update scripts/demo.ts");
  writeFileSync(file, text.replace(last, `${last}${line}\n`));
  console.log(`${dim("index.ts")}\n  ${last.trim()}\n${green(`+ ${line.trim()}`)}\n  ];`);
}

function driverFor(dir: string, host: SimHost): Driver {
  const config = {
    "freebsd:host": host.host, "freebsd:port": String(host.port), "freebsd:privateKey": secret(host.privateKey),
    "freebsd:hostKey": host.hostKeyFingerprint,
    // The simulated host has no way out: the release's sets come from its install media.
    releaseMirror: "/usr/freebsd-dist",
  };
  const cli = pulumiOnPath();
  if (cli) {
    console.log(`Running the program through the Pulumi CLI (${cli}) with a local file backend.`);
    const project = readProject(dir);
    return async (op) => {
      const code = await runWithPulumiCli({ cli, project, stack: "dev", command: op, args: [], config, skipPreview: op !== "preview" && op !== "up" });
      if (code !== 0) throw new Error(`pulumi ${op} exited ${code}`);
    };
  }
  console.log("No Pulumi CLI on PATH: running the program through the program runner of test/engine, which runs it with");
  console.log("the real @pulumi/pulumi SDK as Pulumi's Node.js language host does and stands in for the engine.");
  console.log(dim("(After the first preview the program is not type checked again: PULUMI_NODEJS_TRANSPILE_ONLY=true.)"));
  let runs = 0;
  const stack = (): ProgramStack => new ProgramStack({
    dir, stack: "dev", stateFile: join(dir, ".pulumi-runner/dev.json"), config, color, print: (text) => console.log(text),
    ...(runs++ > 0 ? { env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } } : {}),
  });
  return async (op) => {
    const s = stack();
    if (op === "preview") await s.preview();
    else if (op === "up") await s.up();
    else if (op === "refresh") await s.refresh({ skipPreview: true });
    else await s.destroy({ skipPreview: true });
  };
}

const host = await startSimHost();
const dir = copyExample();
try {
  step("A simulated FreeBSD 14.3 host, reached over SSH");
  console.log(`${host.user}@${host.host}:${host.port}  host key ${host.hostKeyFingerprint}`);
  console.log(dim("Resource limits need racct, which GENERIC leaves off:"));
  await admin(host, "echo kern.racct.enable=1 >> /boot/loader.conf");
  console.log(`${dim("root@freebsd:~ #")} reboot`);
  host.reboot();
  const pulumi = driverFor(dir, host);
  console.log(dim("Stack config: freebsd:host, freebsd:port, freebsd:privateKey (secret) and freebsd:hostKey of the simulated host, and"));
  console.log(dim("releaseMirror=/usr/freebsd-dist: the release's sets from the host's install media, as it has no way out."));

  step("pulumi preview: examples/multi-tenant-vnet, two tenants; the jails' paths and interfaces are not known yet");
  await pulumi("preview");
  step("pulumi up");
  await pulumi("up");
  step("On the host");
  await admin(host, "jls");
  await admin(host, "ifconfig tenants0 | grep -e inet -e member");
  await admin(host, "jexec alpha ifconfig alphab | grep inet");
  await admin(host, "rctl");
  await admin(host, "zfs list -r -o name,quota,mountpoint zroot/tenants");

  step("An administrator changes the host by hand");
  await admin(host, "zfs set quota=1G zroot/tenants/alpha");
  await admin(host, "jail -m name=beta host.hostname=oops.example.org");
  step("pulumi refresh: the drift, property by property");
  await pulumi("refresh");
  step("pulumi up: converged back to the program");
  await pulumi("up");
  await admin(host, "zfs get -H -o name,value quota zroot/tenants/alpha");
  await admin(host, "jls -j beta host.hostname");

  step("A third tenant: one line in the program");
  addTenant(dir, '    { name: "gamma", address: "10.77.0.13/24", memory: "256m", cpu: 25, processes: 32, quota: "2G" },');
  await pulumi("up");
  await admin(host, "jls name path");

  step("pulumi destroy");
  await pulumi("destroy");
  step("Nothing left on the host");
  await admin(host, "jls");
  await admin(host, "ifconfig -l");
  await admin(host, "rctl; cat /etc/rctl.conf | grep -v '^#'");
  await admin(host, "zfs list -H -o name | grep tenants; ls /etc/jail.conf.d; sysrc -n cloned_interfaces jail_list");
  console.log(dim(`\n${host.stats.execChannels} SSH exec channels in all.`));
} catch (e) {
  // A failed pulumi command has printed its diagnostics already.
  if (!(e instanceof ProgramRunError) && !/^pulumi \w+ exited/.test((e as Error).message)) console.error(`demo: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await host.stop();
  rmSync(resolve(dir, ".."), { recursive: true, force: true });
}
