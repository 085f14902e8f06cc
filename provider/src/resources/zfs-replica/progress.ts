// Progress of a transfer for the engine's log: bytes so far, the rate, the share of `zfs send -nvP`'s
// estimate and the time left, at most one line every few seconds, and a last line when it is over.

/** Bytes in binary units, one decimal (`1.5 MiB`). */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** A progress line: what moves, bytes of the estimate, rate, time left. */
export function progressLine(what: string, bytes: number, estimate: number | undefined, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (bytes * 1000) / elapsedMs : 0;
  const parts = [`${what}: ${formatBytes(bytes)}`];
  if (estimate !== undefined && estimate > 0) {
    parts[0] += ` of about ${formatBytes(estimate)} (${Math.min(100, Math.floor((bytes * 100) / estimate))}%)`;
  }
  parts.push(`${formatBytes(Math.round(rate))}/s`);
  if (estimate !== undefined && rate > 0 && estimate > bytes) parts.push(`about ${Math.ceil((estimate - bytes) / rate)} s left`);
  return parts.join(", ");
}

/** A throttled reporter: `onProgress` as bytes pass, `done` once at the end. */
export function progressReporter(what: string, estimate: number | undefined, log: (line: string) => void,
  everyMs = 2000, now: () => number = Date.now): { onProgress(bytes: number): void; done(bytes: number): void } {
  const started = now();
  let last = started;
  return {
    onProgress(bytes) {
      const t = now();
      if (t - last < everyMs) return;
      last = t;
      log(progressLine(what, bytes, estimate, t - started));
    },
    done(bytes) {
      const elapsed = now() - started;
      log(`${what}: ${formatBytes(bytes)} in ${(elapsed / 1000).toFixed(1)} s (${formatBytes(Math.round(elapsed > 0 ? (bytes * 1000) / elapsed : 0))}/s)`);
    },
  };
}
