import { expect } from "vitest";
import type { ProviderClient } from "pulumi-engine-harness";
import type { SimHost } from "freebsd-sim";
import { mustRun, type TestTarget } from "../lifecycle/target.ts";
import type { Site } from "./surface.ts";

export interface HostFigures { cases: number; perType: Map<string, number> }
export interface HostCase { site: Site; value: string }

/** The host the cases run on: racct on, a dataset with a snapshot, a running jail with a userland. */
export async function prepareHost(target: TestTarget): Promise<void> {
  await mustRun(target, "echo 'kern.racct.enable=1' >> /boot/loader.conf");
  target.sim!.reboot();
  await mustRun(target, "zfs create -p zroot/fz/ds && zfs snapshot zroot/fz/ds@snap && zfs create zroot/fz/root && mkdir -p /zroot/fz/jail");
  await mustRun(target, "tar -xf /usr/freebsd-dist/base.txz -C /zroot/fz/root && jail -c name=fz path=/zroot/fz/root persist");
}

/** The canary never ran: no file anywhere on the host, no snapshot of it in the tool log or in zfs. */
export async function checkCanary(sim: SimHost, bait: { file: string; snap: string }): Promise<void> {
  const name = bait.file.split("/").pop()!;
  const found = await sim.exec(`find / -xdev -name '${name}*' 2>/dev/null; zfs list -H -t snapshot -o name`);
  expect(found.stdout).not.toContain(name);
  expect(found.stdout).not.toContain(bait.snap);
  const log = await sim.toolLog();
  expect(log.filter((argv) => argv.includes(bait.snap))).toEqual([]);
}

export async function hostCases(_n: number, _seed: number, _payloads: string[], _check: unknown): Promise<HostCase[]> {
  return [];
}
export async function runHostCase(_p: ProviderClient, _t: TestTarget, _c: HostCase): Promise<string | undefined> {
  return undefined;
}
