// Synthetic data: bytes a file system or volume holds without the simulator storing them, so a test
// can make a dataset of hundreds of megabytes cheaply. The model keeps extents (a seed and a size);
// `zfs send` generates their bytes from the seed as it streams them, `zfs receive` checks them
// against the same generator and records the extents, snapshots keep the list they had, and an
// incremental stream carries only the extents its source snapshot lacks.

import { createHash, randomBytes } from "node:crypto";

/** One extent of synthetic data: `bytes` generated from `seed`. */
export interface FillExtent {
  seed: string;
  bytes: number;
}

/** Size of the block the generator repeats (each copy stamped with its index, so no two are alike). */
export const FILL_BLOCK = 128 * 1024;

const blocks = new Map<string, Buffer>();

/** The generator's base block for a seed (SHA-256 in counter mode). */
function baseBlock(seed: string): Buffer {
  let block = blocks.get(seed);
  if (!block) {
    block = Buffer.alloc(FILL_BLOCK);
    for (let i = 0; i * 32 < FILL_BLOCK; i++) createHash("sha256").update(`${seed}:${i}`).digest().copy(block, i * 32);
    blocks.set(seed, block);
  }
  return block;
}

/** Writes the extent's bytes [offset, offset + out.length) into `out`. */
export function fillBytes(seed: string, offset: number, out: Buffer): void {
  const base = baseBlock(seed);
  let done = 0;
  while (done < out.length) {
    const at = offset + done;
    const index = Math.floor(at / FILL_BLOCK);
    const within = at % FILL_BLOCK;
    const n = Math.min(FILL_BLOCK - within, out.length - done);
    base.copy(out, done, within, within + n);
    // The block index over the first 8 bytes of every block: the same seed never repeats a block.
    for (let k = 0; k < 8; k++) {
      const pos = index * FILL_BLOCK + k;
      if (pos >= at && pos < at + n) out[done + (pos - at)] = Number((BigInt(index) >> BigInt(8 * k)) & 0xffn) ^ base[k]!;
    }
    done += n;
  }
}

/** A new extent of `bytes` with a fresh seed. */
export function newExtent(bytes: number): FillExtent {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new Error(`fill: bad size ${bytes}`);
  return { seed: randomBytes(8).toString("hex"), bytes };
}

/** Total bytes of a list of extents. */
export function fillTotal(fill: readonly FillExtent[] | undefined): number {
  return (fill ?? []).reduce((n, e) => n + e.bytes, 0);
}

/** The extents of `to` that `from` lacks (compared by seed), in order. */
export function newExtents(from: readonly FillExtent[] | undefined, to: readonly FillExtent[] | undefined): FillExtent[] {
  const have = new Set((from ?? []).map((e) => e.seed));
  return (to ?? []).filter((e) => !have.has(e.seed));
}

/** The seeds of `from` that `to` no longer has. */
export function droppedExtents(from: readonly FillExtent[] | undefined, to: readonly FillExtent[] | undefined): string[] {
  const keep = new Set((to ?? []).map((e) => e.seed));
  return (from ?? []).filter((e) => !keep.has(e.seed)).map((e) => e.seed);
}
