import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeploymentError, startProvider, Stack, type ValueMap } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "../lifecycle/target.ts";
import { everyFault } from "./suite.ts";

// Data safety (issue 13), model-based: fast-check generates sequences of ordinary steps on one
// Dataset (ups with changed properties, some of which replace a dataset; the resource removed from
// the program; refreshes; imports of the dataset left on the host) mixed with what people do by hand
// (files written into it, child datasets, snapshots, clones of them elsewhere), never forceDestroy.
// After every step: the dataset is never replaced (its guid stays while the stack holds it), a dataset
// holding files, children, snapshots or clones is never destroyed, and nothing made by hand is ever lost.
// `make test` runs a few sequences; `make soak-faults` many.

const T = "freebsd:zfs:Dataset";
const ROOT = "zroot/dm";
let sim: SimHost;
let target: TestTarget;
let runNo = 0;

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, ROOT);
  await mustRun(target, `zfs create ${ROOT}`);
});
afterAll(async () => sim?.stop());

interface Model {
  inStack: boolean;
  exists: boolean;
  /** The guid of the dataset while it exists. */
  guid: string | undefined;
  files: number;
  children: string[];
  snapshots: string[];
  clones: string[];
  /** Whether the last deployment asked for a change that replaces the dataset (refused without forceDestroy). */
  counter: number;
}

interface Real {
  stack: Stack;
  name: string;
  cloneParent: string;
  /** The inputs of the last successful up (what the state holds). */
  log: string[];
}

const precious = (m: Model) => m.files > 0 || m.children.length > 0 || m.snapshots.length > 0 || m.clones.length > 0;

async function guidOf(name: string): Promise<string | undefined> {
  const r = await target.exec(`zfs get -H -p -o value guid ${name}`);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** The invariants, against the host, after every step. */
async function checkHost(m: Model, r: Real): Promise<void> {
  const guid = await guidOf(r.name);
  if (m.exists) expect(guid, `${r.name} still the same dataset`).toBe(m.guid);
  else expect(guid, `${r.name} gone`).toBeUndefined();
  const all = (await target.exec(`zfs list -H -t all -o name -r ${ROOT}`)).stdout.split("\n");
  for (const c of [...m.children, ...m.clones]) expect(all, c).toContain(c);
  for (const s of m.snapshots) expect(all, s).toContain(s);
  if (m.exists && m.files > 0) {
    const files = (await mustRun(target, `ls /${r.name}`)).split("\n").filter((f) => f.startsWith("precious-"));
    expect(files).toHaveLength(m.files);
  }
}

function failureText(e: unknown): string {
  expect(e).toBeInstanceOf(DeploymentError);
  const d = e as DeploymentError;
  return [d.message, ...d.result.diagnostics.map((x) => x.message)].join("\n");
}

type Props = Record<string, string>;
const propsArb: fc.Arbitrary<Props> = fc.record(
  {
    quota: fc.constantFrom("1G", "2G", "none"),
    compression: fc.constantFrom("lz4", "off", "zstd"),
    "org.example:tag": fc.constantFrom("a", "b"),
    // Set only when a dataset is made: a change replaces the dataset.
    casesensitivity: fc.constantFrom("sensitive", "insensitive"),
    recordsize: fc.constantFrom("128K", "16K"),
  },
  { requiredKeys: [] },
);

class Up implements fc.AsyncCommand<Model, Real> {
  readonly props: Props;
  constructor(props: Props) {
    this.props = props;
  }
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const inputs: ValueMap = { name: r.name, properties: this.props };
    const err = await r.stack.up({ d: { type: T, inputs } }, { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    if (err === undefined) {
      if (m.exists) {
        expect(await guidOf(r.name), "an up never replaces the dataset without forceDestroy").toBe(m.guid);
      } else {
        m.exists = true;
        m.guid = await guidOf(r.name);
        m.files = 0;
      }
      m.inStack = true;
    } else {
      // The only refusal an ordinary up may get: a change that would replace (destroy) the dataset.
      expect(failureText(err)).toMatch(/replaces the dataset[\s\S]*forceDestroy: true/);
      expect(m.exists).toBe(true);
    }
    await checkHost(m, r);
  }
  toString = () => `up ${JSON.stringify(this.props)}`;
}

class Remove implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.inStack;
  async run(m: Model, r: Real): Promise<void> {
    const err = await r.stack.up({}, { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    if (err === undefined) {
      expect(precious(m), "a dataset holding files, children, snapshots or clones is never destroyed without forceDestroy").toBe(false);
      m.inStack = false;
      m.exists = false;
      m.guid = undefined;
      m.files = 0;
    } else {
      expect(precious(m)).toBe(true);
      expect(failureText(err)).toMatch(/refusing to destroy/);
      expect(r.stack.resource("d"), "a refused delete keeps the resource").toBeDefined();
    }
    await checkHost(m, r);
  }
  toString = () => "remove from the program";
}

class Refresh implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.inStack;
  async run(m: Model, r: Real): Promise<void> {
    await r.stack.refresh({ skipPreview: true });
    expect(r.stack.resource("d") !== undefined, "a refresh keeps what is on the host").toBe(m.exists);
    m.inStack = m.exists;
    await checkHost(m, r);
  }
  toString = () => "refresh";
}

class Import implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => !m.inStack && m.exists;
  async run(m: Model, r: Real): Promise<void> {
    await r.stack.import("d", T, r.name, { skipPreview: true });
    m.inStack = true;
    await checkHost(m, r);
  }
  toString = () => "import";
}

/** Something done by hand on the host. */
class ByHand implements fc.AsyncCommand<Model, Real> {
  readonly what: "file" | "child" | "snapshot" | "clone";
  constructor(what: "file" | "child" | "snapshot" | "clone") {
    this.what = what;
  }
  check = (m: Readonly<Model>) => m.exists && (this.what !== "clone" || m.snapshots.length > 0);
  async run(m: Model, r: Real): Promise<void> {
    m.counter++;
    if (this.what === "file") {
      await mustRun(target, `echo data > /${r.name}/precious-${m.counter}`);
      m.files++;
    } else if (this.what === "child") {
      const c = `${r.name}/child${m.counter}`;
      await mustRun(target, `zfs create ${c}`);
      m.children.push(c);
    } else if (this.what === "snapshot") {
      const s = `${r.name}@s${m.counter}`;
      await mustRun(target, `zfs snapshot ${s}`);
      m.snapshots.push(s);
    } else {
      const c = `${r.cloneParent}/clone${m.counter}`;
      await mustRun(target, `zfs clone ${m.snapshots[0]} ${c}`);
      m.clones.push(c);
    }
    await checkHost(m, r);
  }
  toString = () => `by hand: ${this.what}`;
}

const commands = [
  propsArb.map((p) => new Up(p)),
  fc.constant(new Remove()),
  fc.constant(new Refresh()),
  fc.constant(new Import()),
  fc.constantFrom("file", "child", "snapshot", "clone").map((w) => new ByHand(w as "file")),
];

describe("data safety, model-based", () => {
  it("never destroys or replaces a dataset with data, children, snapshots or clones without forceDestroy", async () => {
    const numRuns = everyFault ? 40 : 8;
    const started = Date.now();
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: everyFault ? 14 : 8 }), async (cmds) => {
        const n = ++runNo;
        const real: Real = {
          stack: new Stack((env) => startProvider({ env }), { config: target.config, stack: `dm${n}` }),
          name: `${ROOT}/r${n}`,
          cloneParent: `${ROOT}/c${n}`,
          log: [],
        };
        await mustRun(target, `zfs create ${real.cloneParent}`);
        const model: Model = { inStack: false, exists: false, guid: undefined, files: 0, children: [], snapshots: [], clones: [], counter: 0 };
        // Every sequence starts from the dataset made by an up.
        await new Up({}).run(model, real);
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        steps += 1 + [...cmds].length;
        // Clean up by hand, clones first.
        await mustRun(target, `zfs destroy -R ${real.cloneParent} && (zfs destroy -R ${real.name} 2>/dev/null || true)`);
      }),
      { numRuns, endOnFailure: true },
    );
    console.log(`data safety: ${numRuns} generated sequences, ${steps} steps (ups, removals, refreshes, imports, changes by hand), every invariant held, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, everyFault ? 3_600_000 : 300_000);
});

describe("deleting a jail never touches its datasets", () => {
  it("leaves its root and its delegated dataset, their data, children and snapshots as they were", async () => {
    const root = `${ROOT}/jroot`;
    const deleg = `${ROOT}/deleg`;
    await mustRun(target, `zfs create ${root} && tar -xf /usr/freebsd-dist/base.txz -C /${root} && echo keep > /${root}/root/precious`);
    const s = new Stack((env) => startProvider({ env }), { config: target.config, stack: "jailds" });
    await s.up({
      deleg: { type: T, inputs: { name: deleg, properties: { jailed: "on" } } },
      j: { type: "freebsd:jail:Jail", inputs: { name: "dsj", path: `/${root}`, datasets: [deleg], allow: { mount: true, "mount.zfs": true } }, options: { dependsOn: ["deleg"] } },
    } as never, { skipPreview: true });
    // Inside the jail, its administrator makes a child and a snapshot of the delegated dataset.
    await mustRun(target, `jexec dsj zfs create ${deleg}/app && jexec dsj zfs snapshot ${deleg}/app@before`);
    const listing = async () => (await mustRun(target, `zfs list -H -t all -o name,guid -r ${root} ${deleg}`)).trim();
    const before = await listing();
    expect(before.split("\n")).toHaveLength(4);
    // The jail goes; the datasets stay in the program.
    const toolsBefore = (await sim.toolLog()).length;
    await s.up({ deleg: { type: T, inputs: { name: deleg, properties: { jailed: "on" } } } } as never, { skipPreview: true });
    expect((await target.exec("jls -j dsj")).code).not.toBe(0);
    expect(await listing()).toBe(before);
    expect(await mustRun(target, `cat /${root}/root/precious`)).toBe("keep\n");
    expect((await sim.toolLog()).slice(toolsBefore).filter((argv) => argv[0] === "zfs" && argv[1] === "destroy")).toEqual([]);
  }, 300_000);
});
