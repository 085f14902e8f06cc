// load_config() after parsing (usr.sbin/jail/config.c): each real jail collects its parameters in
// file order, merging its own block with global statements and matching wildcard blocks (a
// wildcard before the block is overridden by it, one after it overrides it), then has `$var`,
// `${param}` references substituted per jail. Variables themselves are dropped afterwards.

import { addParam, isWildName, newCfJail, PF_VAR, wildMatch, type CfJail, type CfParam } from "./cfjail.ts";

/** A jail's warning line, as jail_warnx() prints it (without `jail: `). */
function note(j: CfJail, msg: string): string {
  return j.name ? `${j.name}: ${msg}` : msg;
}

/** Merges parsed blocks into the configured jails; warnings go to `warn` (they also fail the jail). */
export function resolveJails(parsed: CfJail[], warn: (line: string) => void): CfJail[] {
  parsed.forEach((j, i) => { j.seq = i + 1; });
  const wild = parsed.filter((j) => isWildName(j.name ?? ""));
  const real = parsed.filter((j) => !isWildName(j.name ?? ""));
  const out: CfJail[] = [];
  for (const src of real) {
    const j = newCfJail(src.name, src.seq);
    const name = src.name ?? "";
    const add = (p: CfParam | null, ip: string | null, v?: string): void => {
      const e = addParam(j, p, ip, v);
      if (e) warn(note(j, e));
    };
    // Why: a numeric block name is the jail's jid, any other its name (load_config).
    add(null, /^\d+$/.test(name) && Number(name) !== 0 ? "jid" : "name", name);
    let didSelf = false;
    for (const wj of wild) {
      if (j.seq < wj.seq && !didSelf) {
        for (const p of src.params) add(p, null);
        didSelf = true;
      }
      if (wildMatch(name, wj.name ?? "")) for (const p of wj.params) add(p, null);
    }
    if (!didSelf) for (const p of src.params) add(p, null);
    substituteAll(j, warn);
    j.params = j.params.filter((p) => !(p.flags & PF_VAR));
    for (const [k, p] of j.intparams) if (!j.params.includes(p)) j.intparams.delete(k);
    out.push(j);
  }
  return out;
}

function substituteAll(j: CfJail, warn: (line: string) => void): void {
  const bad = new Set<CfParam>();
  const done = new Set<CfParam>();
  const resolve = (p: CfParam, stack: CfParam[]): boolean => {
    if (done.has(p)) return !bad.has(p);
    let ok = true;
    for (let si = 0; si < p.val.length; si++) {
      const s = p.val[si]!;
      while (s.vars.length) {
        const v = s.vars.shift()!;
        const vp = j.params.find((x) => x.name === v.name);
        const failWith = (msg: string): void => {
          if (msg) warn(note(j, msg));
          j.failed = true;
          ok = false;
        };
        if (!vp || vp.val.length === 0) {
          failWith(`${p.name}: variable "${v.name}" not found`);
          continue;
        }
        if (stack.includes(vp) || vp === p) {
          failWith(`${v.name}: variable loop`);
          continue;
        }
        if (!resolve(vp, [...stack, p])) {
          failWith("");
          continue;
        }
        if (vp.val.length > 1 && (s.s !== "" || s.vars.length > 0)) {
          failWith(`${p.name}: array cannot be substituted inline`);
          continue;
        }
        const first = vp.val[0]!.s;
        s.s = s.s.slice(0, v.pos) + first + s.s.slice(v.pos);
        for (const later of s.vars) later.pos += first.length;
        const extra = vp.val.slice(1).map((x) => ({ s: x.s, vars: [] }));
        p.val.splice(si + 1, 0, ...extra);
        si += extra.length;
      }
    }
    done.add(p);
    if (!ok) bad.add(p);
    return ok;
  };
  for (const p of j.params) resolve(p, []);
}
