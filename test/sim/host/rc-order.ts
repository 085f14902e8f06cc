// rcorder(8) over the simulator's boot steps: each step is an rc.d script (or a milestone such as
// FILESYSTEMS) with its PROVIDE, REQUIRE and BEFORE lines. As in sbin/rcorder/rcorder.c, the files
// are taken in the order given (the /etc/rc.d/* glob: C-locale order, milestones first), each one
// after everything it requires; `BEFORE: x` makes x require it; a requirement nobody provides is
// ignored (rcorder warns and goes on).

/** One rc.d script of the boot. */
export interface RcStep<Run> {
  /** PROVIDE (the script's name). */
  name: string;
  /** REQUIRE: what must have run first. */
  require: string[];
  /** BEFORE: what must run after this one. */
  before?: string[];
  /** What it does; absent for a milestone that only orders the others. */
  run?: Run;
}

/** The steps in the order rcorder prints them. */
export function rcorder<Run>(steps: readonly RcStep<Run>[]): RcStep<Run>[] {
  const providers = new Map<string, RcStep<Run>[]>();
  for (const s of steps) providers.set(s.name, [...(providers.get(s.name) ?? []), s]);
  const needs = new Map<RcStep<Run>, string[]>(steps.map((s) => [s, [...s.require]]));
  for (const s of steps) {
    for (const b of s.before ?? []) for (const t of providers.get(b) ?? []) needs.get(t)!.push(s.name);
  }
  const out: RcStep<Run>[] = [];
  const state = new Map<RcStep<Run>, "visiting" | "done">();
  const visit = (s: RcStep<Run>): void => {
    if (state.get(s) === "done") return;
    if (state.get(s) === "visiting") throw new Error(`rcorder: Circular dependency on provision \`${s.name}'`);
    state.set(s, "visiting");
    for (const r of needs.get(s)!) for (const p of providers.get(r) ?? []) visit(p);
    state.set(s, "done");
    out.push(s);
  };
  for (const s of steps) visit(s);
  return out;
}
