// zfs send -t TOKEN (libzfs zfs_send_resume, zfs_send_resume_impl_cb_impl): the rest of the stream
// a receiver's resume token describes, found by the guids it names (the snapshot may have been
// renamed), with libzfs' messages for a token that is corrupt or names snapshots that are gone.

import { err, parentOf, poolOf, type ZfsCtx } from "./context.ts";
import { nicenum } from "./nicenum.ts";
import { decodeToken, printToken } from "./resume-token.ts";
import { wholeSize } from "./send-stream.ts";
import { estimateLines, part, type SendFlags, type SendPlan } from "./cmd-send.ts";

/** A snapshot of the pool whose guid (as zfs shows it) is `guid`. */
function snapshotByGuid(ctx: ZfsCtx, pool: string, guid: string): string | undefined {
  for (const [name, rec] of Object.entries(ctx.disk.datasets)) {
    if (rec.type === "snapshot" && poolOf(name) === pool && (rec.streamGuid ?? rec.guid) === guid) return name;
  }
  return undefined;
}

/** zfs_send_resume: the rest of the stream a resume token describes. */
export function planResume(ctx: ZfsCtx, f: SendFlags, token: string): SendPlan {
  const decoded = decodeToken(token);
  if ("error" in decoded) {
    err(ctx, `cannot resume send: ${decoded.error}`);
    return { code: 1, parts: [], name: "" };
  }
  const t = decoded.fields;
  const verboseOut = (text: string) => (f.dryrun ? ctx.io.out : ctx.io.err).push(text);
  if (f.verbose) verboseOut(`resume token contents:\n${printToken(decoded.pairs)}`);
  const pool = poolOf(t.toname);
  const to = snapshotByGuid(ctx, pool, t.toguid);
  if (!to) {
    const why = ctx.disk.datasets[t.toname] ? `'${t.toname}' is no longer the same snapshot used in the initial send`
      : `'${t.toname}' used in the initial send no longer exists`;
    err(ctx, `cannot resume send: ${why}`);
    return { code: 1, parts: [], name: t.toname };
  }
  let from: string | undefined;
  if (t.fromguid !== undefined && t.fromguid !== "0") {
    from = snapshotByGuid(ctx, pool, t.fromguid);
    if (!from) {
      err(ctx, `cannot resume send: incremental source 0x${BigInt(t.fromguid).toString(16)} no longer exists`);
      return { code: 1, parts: [], name: to };
    }
  }
  const fs = parentOf(to)!;
  const p = part(ctx, { ...f, raw: f.raw || t.rawok === true, compress: f.compress || t.compressok === true }, fs, to, from, false);
  p.begin.features.resuming = true;
  p.begin.resume = { object: t.object, offset: t.offset, bytes: t.bytes };
  p.start = { object: t.object, offset: t.offset };
  if (f.verbose) {
    // zfs_ioc_send_space: the estimate of the whole stream less what the receiver already has.
    const size = Math.max(0, wholeSize(p) - t.bytes);
    estimateLines(ctx, f, [[from, to, size]], size, nicenum);
  }
  return { code: 0, parts: f.dryrun ? [] : [p], name: to };
}

