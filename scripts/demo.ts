// `make demo`: a simulated FreeBSD host, datasets and a jail created through the real provider plugin driven
// over gRPC as the Pulumi engine drives it, an out-of-band change, the drift a refresh reports,
// and the `up` that converges it.
import { startProvider, Stack, type OperationResult, type Program, secret } from "pulumi-engine-harness";
import { startSimHost } from "freebsd-sim";

const T = "freebsd:zfs:Dataset";
const J = "freebsd:jail:Jail";
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
const marks: Record<string, string> = { create: "\x1b[32m+\x1b[0m", update: "\x1b[33m~\x1b[0m", replace: "\x1b[35m+-\x1b[0m", delete: "\x1b[31m-\x1b[0m", same: " ", import: "\x1b[36m=\x1b[0m" };

/** The value at a diff path such as `properties.quota` in a property map. */
function at(map: unknown, path: string): string {
  const value = path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], map);
  return value === undefined ? "(unset)" : JSON.stringify(value);
}

/** Prints an operation like the CLI: one line per resource, one per changed property. */
function show(title: string, r: OperationResult, before?: Record<string, unknown>): void {
  console.log(`\n${bold(title)}`);
  for (const step of r.log) {
    console.log(`  ${marks[step.op] ?? "?"} ${step.type} ${step.name} ${dim(step.op)}`);
    for (const [path, d] of Object.entries(step.diff?.detailedDiff ?? {})) {
      const change = before ? `${at(before[step.name], path)} => ${at(step.inputs, path)}` : "";
      console.log(`      ${dim(d.kind)} ${path} ${change}`);
    }
  }
}

/** The inputs of every resource in the stack, by name. */
function inputsOf(stack: Stack): Record<string, unknown> {
  return Object.fromEntries(stack.state.resources.map((r) => [r.name, r.inputs]));
}

async function admin(host: Awaited<ReturnType<typeof startSimHost>>, command: string): Promise<void> {
  console.log(`  ${dim("root@freebsd:~ #")} ${command}`);
  const r = await host.exec(command);
  const text = (r.stdout + r.stderr).replace(/\n$/, "");
  if (text) console.log(text.replace(/^/gm, "  "));
}

const program = (webCompression: string): Program => ({
  jails: { type: T, inputs: { name: "zroot/jails", properties: { mountpoint: "/usr/jails", compression: "zstd", atime: "off" } } },
  web: { type: T, inputs: { name: "zroot/jails/web", properties: { quota: "5G", compression: webCompression, "org.example:owner": "web-team" } } },
  db: { type: T, inputs: { name: "zroot/jails/db", properties: { recordsize: "16K", logbias: "throughput" } } },
  "web-jail": { type: J, inputs: { name: "web", path: "/usr/jails/web", hostname: "web.example.org", ip4: ["192.0.2.10"] } },
});

const host = await startSimHost();
try {
  console.log(bold("A simulated FreeBSD 14.3 host is listening over SSH"));
  console.log(`  ${host.user}@${host.host}:${host.port}  host key ${host.hostKeyFingerprint}`);
  const stack = new Stack((env) => startProvider({ env }), {
    config: { host: host.host, port: String(host.port), user: host.user, privateKey: secret(host.privateKey), hostKey: host.hostKeyFingerprint },
  });

  const up = await stack.up(program("lz4"));
  show("pulumi up", up);
  console.log(`\n${bold("On the host")}`);
  await admin(host, "zfs list -r -o name,compression,quota,recordsize,mountpoint zroot/jails");
  await admin(host, "jls");
  await admin(host, "cat /etc/jail.conf.d/web.conf");

  console.log(`\n${bold("An administrator changes the host by hand")}`);
  await admin(host, "zfs set compression=off zroot/jails/web");
  await admin(host, "zfs set quota=1G zroot/jails/web");
  await admin(host, "jail -m name=web host.hostname=oops.example.org");

  const before = inputsOf(stack);
  show("pulumi refresh (drift found)", await stack.refresh({ skipPreview: true }), before);
  const drifted = inputsOf(stack);
  show("pulumi up (converges)", await stack.up(program("lz4"), { skipPreview: true }), drifted);
  console.log(`\n${bold("On the host again")}`);
  await admin(host, "zfs get -r -o name,property,value,source compression,quota zroot/jails/web");
  await admin(host, "jls -j web host.hostname");
  show("pulumi refresh (no drift)", await stack.refresh({ skipPreview: true }));
  console.log(`\n${dim(`${host.stats.execChannels} SSH exec channels in all; each refresh read every dataset and jail in one.`)}`);
} finally {
  await host.stop();
}
