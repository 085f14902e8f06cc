// Link-level addresses as the drivers generate them. Real FreeBSD hashes the host uuid/hostid; the
// simulator hashes a stable per-host seed instead, so addresses repeat across reboots as they do there.

import { createHash } from "node:crypto";
import type { DiskState } from "../core/types.ts";

function digest(...parts: (string | number)[]): Buffer {
  return createHash("sha1").update(parts.join("\0")).digest();
}

function hex(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** A value that identifies the host across reboots (its first pool's guid), standing in for hostuuid. */
export function hostSeed(disk: DiskState | undefined): string {
  const pools = Object.values(disk?.pools ?? {});
  return pools[0]?.guid ?? "freebsd";
}

/** epair's a-side address: 02 + 4 hash bytes + 0a (if_epair.c epair_generate_mac); the b side ends in 0b. */
export function epairMac(seed: string, nextIndex: number, side: "a" | "b"): string {
  const d = digest("epair", seed, nextIndex);
  return hex([0x02, d[0]!, d[1]!, d[2]!, d[3]!, side === "a" ? 0x0a : 0x0b]);
}

/** if_bridge's address from ether_gen_addr(): FreeBSD's OUI 58:9c:fc, then 0x10 and two hash bytes. */
export function bridgeMac(seed: string, name: string): string {
  const d = digest("bridge", seed, name);
  return hex([0x58, 0x9c, 0xfc, 0x10, d[0]!, d[1]!]);
}

/** The virtio NIC's address, as QEMU/KVM assigns them (OUI 52:54:00). */
export function vtnetMac(seed: string, unit: number): string {
  const d = digest("vtnet", seed, unit);
  return hex([0x52, 0x54, 0x00, d[0]!, d[1]!, d[2]!]);
}
