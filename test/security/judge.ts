import { isSecret, unwrapSecrets, type CheckResult, type ValueMap } from "pulumi-engine-harness";
import { at, concretePath, keptPath, siteName, type Site } from "./surface.ts";

// How one Check answer is judged: refused with a failure naming the property, or the value kept as given.

export type Verdict = { kind: "refused" | "stored"; problem?: string };

/** Parses a property path as Check failures write it: `a.b`, `a[0]`, `a["x.y"]`. */
export function parseProperty(text: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const re = /([^.[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/gsu;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else if (m[3] !== undefined) parts.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return parts;
}

const related = (a: readonly (string | number)[], b: readonly (string | number)[]) => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return n > 0;
};

/**
 * A refusal must name the property the value was put at (the failure's property on the value's path,
 * the reason saying it); an acceptance must keep the value exactly, a secret still wrapped.
 */
export function judge(site: Site, value: string, result: CheckResult, configKey = false): Verdict {
  const path = concretePath(site, value);
  if (result.failures.length > 0) {
    const named = result.failures.some((f) => {
      const prop = parseProperty(f.property);
      // CheckConfig names the top-level key and spells out the rest in the reason as freebsd:KEY.PATH.
      return related(prop, path) && f.reason.length > f.property.length && (configKey || f.reason.includes(f.property));
    });
    if (!named) return { kind: "refused", problem: `${siteName(site)}: no failure names the property: ${JSON.stringify(result.failures).slice(0, 400)}` };
    return { kind: "refused" };
  }
  const inputs = result.inputs as ValueMap | undefined;
  if (!inputs) return { kind: "stored", problem: `${siteName(site)}: accepted with no inputs` };
  if (site.kind === "key") {
    const container = unwrapSecrets(at(inputs, path.slice(0, -1)) as never) as Record<string, unknown> | undefined;
    if (!container || !Object.hasOwn(container, value)) return { kind: "stored", problem: `${siteName(site)}: key ${show(value)} accepted but not kept` };
    return { kind: "stored" };
  }
  const raw = atWrapped(inputs, keptPath(site, value));
  if (site.secret && !raw.secret) return { kind: "stored", problem: `${siteName(site)}: a secret came back unwrapped` };
  if (raw.value !== value) {
    return { kind: "stored", problem: `${siteName(site)}: accepted ${show(value)} but kept ${show(raw.value)}` };
  }
  if (site.enumValues && !site.enumValues.includes(value)) return { kind: "stored", problem: `${siteName(site)}: ${JSON.stringify(value)} accepted for an enum` };
  return { kind: "stored" };
}

/** The value at a path, seeing through secrets on the way, and whether one was crossed. */
export function atWrapped(v: unknown, path: readonly (string | number)[]): { value: unknown; secret: boolean } {
  let cur: any = v;
  let secret = false;
  const open = () => {
    while (isSecret(cur)) {
      secret = true;
      cur = (cur as { value: unknown }).value;
    }
  };
  open();
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return { value: undefined, secret };
    cur = cur[p];
    open();
  }
  return { value: cur, secret };
}

const show = (v: unknown) => (v === undefined ? "undefined" : JSON.stringify(v).slice(0, 120));
