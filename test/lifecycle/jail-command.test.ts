import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startProvider, DeploymentError, Stack, type Program, isSecret, secret, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "./target.ts";

// freebsd:jail:Command through the engine harness against the simulated host (issue 7.18, 7.19,
// 7.21): Check refuses NUL bytes, a script whose exit status was lost is not run twice, and secrets
// travel on stdin, never in a command line.

const C = "freebsd:jail:Command";

describe("jail:Command (issue 7)", () => {
  let target: TestTarget;
  const newStack = () => new Stack((env) => startProvider({ env }), { config: target.config });
  const one = (inputs: Record<string, unknown>): Program => ({ cmd: { type: C, inputs: inputs as never } });
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as DeploymentError);
  const lines = async (file: string) => (await mustRun(target, `cat /zroot/jails/cmd${file} 2>/dev/null || true`)).split("\n").filter(Boolean);
  const recordOf = (s: Stack) => `/var/db/pulumi-freebsd/commands/${createHash("sha256").update(s.urn(C, "cmd")).digest("hex")}`;

  beforeAll(async () => {
    target = targetOnSim(await startSimHost(), "zroot");
    // A running jail with a userland, made by hand: the Command needs nothing else.
    await mustRun(target, "zfs create -p zroot/jails/cmd && tar -xf /usr/freebsd-dist/base.txz -C /zroot/jails/cmd");
    await mustRun(target, "jail -c name=cmd path=/zroot/jails/cmd persist");
  });
  // A fault a test armed but did not use must not fire in the next one.
  afterEach(() => target?.sim?.faults.clear());
  afterAll(async () => {
    await target?.sim?.stop();
  });

  it("refuses a NUL byte in an environment value at Check, naming the key (issue 7.18)", async () => {
    const s = newStack();
    const err = await failure(s.up(one({ jail: "cmd", create: "true", environment: { TOKEN: "a\0b" } })));
    expect(err).toBeInstanceOf(DeploymentError);
    expect([err!.message, ...err!.result.diagnostics.map((d) => d.message)].join("\n")).toMatch(/environment\.TOKEN: must not contain a NUL byte/);
  });

  it("sends the script and the environment on stdin: no secret in a command line (issue 7.21)", async () => {
    const s = newStack();
    await s.up(one({ jail: "cmd", create: secret("echo \"token=$TOKEN\"; echo \"home=$HOME\""), environment: { TOKEN: secret("s3cr3t-value") } }));
    const out = s.resource("cmd")!.outputs as Record<string, any>;
    expect(unwrapSecrets(out["stdout"] as never)).toBe("token=s3cr3t-value\nhome=/root\n");
    expect(isSecret(out["stdout"])).toBe(true);
    const logged = s.logs("debug").map((l) => l.message).join("\n");
    expect(logged).toContain("jexec");
    expect(logged).not.toContain("s3cr3t-value");
    expect(logged).not.toContain("token=");
    const argvs = (await target.sim!.toolLog()).map((a) => a.join(" ")).join("\n");
    expect(argvs).toMatch(/jexec -l cmd \/bin\/sh -s/);
    expect(argvs).not.toContain("s3cr3t-value");
    await s.destroy();
  });

  it("a script whose exit status was lost is recovered from its record, not run again (issue 7.19)", async () => {
    const s = newStack();
    const program = one({ jail: "cmd", create: "echo ran >> /root/once; echo done" });
    // The execs of a create: the read of the running jails, the record probe, the run (dropped once it ran, before its status).
    const firedBefore = target.sim!.faults.fired().length;
    target.sim!.faults.dropAfterExecs(3, { phase: "during" });
    const first = await failure(s.up(program, { skipPreview: true }));
    expect(first).toBeInstanceOf(DeploymentError);
    expect(target.sim!.faults.fired().length - firedBefore).toBe(1);
    expect((await target.sim!.toolLog()).some((argv) => argv[0] === "jexec" && argv[1] === "-l")).toBe(true);
    expect(s.resource("cmd")).toBeUndefined();
    expect(await lines("/root/once")).toEqual(["ran"]);
    const second = await s.up(program, { skipPreview: true });
    expect(second.steps["cmd"]!.op).toBe("create");
    expect(await lines("/root/once")).toEqual(["ran"]);
    expect(unwrapSecrets(s.resource("cmd")!.outputs as never)).toMatchObject({ stdout: "done\n" });
    // Delete removes the record, so the same inputs under the same name later run again.
    await s.destroy();
    expect((await target.exec(`test -e ${recordOf(s)}`)).code).not.toBe(0);
    await s.up(program);
    expect(await lines("/root/once")).toEqual(["ran", "ran"]);
    await s.destroy();
  });

  it("a run whose status was lost in a jail started again since runs again there (issue 7.19)", async () => {
    const s = newStack();
    const program = one({ jail: "cmd", create: "echo ran >> /root/restarted" });
    target.sim!.faults.dropAfterExecs(3, { phase: "during" });
    expect(await failure(s.up(program, { skipPreview: true }))).toBeInstanceOf(DeploymentError);
    await mustRun(target, "jail -r cmd && jail -c name=cmd path=/zroot/jails/cmd persist");
    await s.up(program, { skipPreview: true });
    expect(await lines("/root/restarted")).toEqual(["ran", "ran"]);
    await s.destroy();
  });

  it("a failed run is run again by the next up (issue 7.19)", async () => {
    const s = newStack();
    const program = one({ jail: "cmd", create: "echo try >> /root/tries; [ -f /root/flag ] || { touch /root/flag; echo not yet >&2; exit 4; }" });
    const err = await failure(s.up(program, { skipPreview: true }));
    expect(err!.message).toMatch(/exited 4: not yet/);
    await s.up(program, { skipPreview: true });
    expect(await lines("/root/tries")).toEqual(["try", "try"]);
    await s.destroy();
  });
});
