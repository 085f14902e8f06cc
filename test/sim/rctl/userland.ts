// The userland half of rctl(8) (usr.bin/rctl/rctl.c): subject aliases, user and group names
// resolved to ids before the syscall, amounts expanded with expand_number(3), and on the way back
// uids turned into names (unless -n) and amounts humanized (-h).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expandNumber, humanize, kernelInt64, strsep } from "./numbers.ts";

/** /etc/passwd and /etc/group of the simulated host. */
export interface Accounts {
  users: { name: string; id: number }[];
  groups: { name: string; id: number }[];
}

function readDb(file: string): { name: string; id: number }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => {
    const f = l.split(":");
    return { name: f[0]!, id: Number(f[2]) };
  });
}

/** Reads the host's account databases from its root directory. */
export function readAccounts(root: string): Accounts {
  return { users: readDb(join(root, "etc/passwd")), groups: readDb(join(root, "etc/group")) };
}

/** The longest prefix strtod(3) would convert (decimal, exponent, or hex). */
function strtodPrefix(s: string): number {
  const m = /^[+-]?(0[xX][0-9a-fA-F]+(\.[0-9a-fA-F]*)?|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(s);
  return m ? m[0].length : 0;
}

function parseId(kind: "user" | "group", s: string, db: { name: string; id: number }[], rule: string,
  warn: (msg: string) => void): number | undefined {
  const hit = db.find((e) => e.name === s);
  if (hit) return hit.id;
  // 14.x reads "unknown"; the "uknown" typo of older rctl.c was fixed before stable/14 branched.
  if (!/^[0-9]/.test(s)) {
    warn(`malformed rule '${rule}': unknown ${kind} '${s}'`);
    return undefined;
  }
  if (strtodPrefix(s) !== s.length) {
    warn(`malformed rule '${rule}': trailing characters after numerical id`);
    return undefined;
  }
  return Math.trunc(Number(s)) | 0;
}

const ALIASES: [RegExp, string][] = [[/^u$/i, "user"], [/^g$/i, "group"], [/^p$/i, "process"],
  [/^(l|c|class)$/i, "loginclass"], [/^j$/i, "jail"]];

/** expand_rule: alias the subject, resolve user/group names (resolveIds), expand the amount. */
export function expandRule(rule: string, resolveIds: boolean, acct: Accounts, warn: (msg: string) => void): string | undefined {
  const cur = { rest: rule as string | null };
  let subject = strsep(cur, ":")!;
  const textid = strsep(cur, ":");
  if (textid === null) {
    warn(`malformed rule '${rule}': missing subject`);
    return undefined;
  }
  const rest = cur.rest ?? "";
  for (const [re, name] of ALIASES) if (re.test(subject)) subject = name;
  let id = textid;
  const lower = subject.toLowerCase();
  if (resolveIds && (lower === "user" || lower === "group") && textid.length > 0) {
    const n = parseId(lower, textid, lower === "user" ? acct.users : acct.groups, rule, warn);
    if (n === undefined) return undefined;
    id = String(n);
  }
  return expandAmount(`${subject}:${id}:${rest}`, rule, warn);
}

/** A rule split as rctl.c splits it (strsep on `:`, `=/`, `/`), and put back with a new amount. */
function splitAmount(rule: string): { amount: string | null; withAmount: (amount: string) => string } {
  const cur = { rest: rule as string | null };
  const subject = strsep(cur, ":");
  const subjectId = strsep(cur, ":");
  const resource = strsep(cur, ":");
  const action = strsep(cur, "=/");
  const amount = strsep(cur, "/");
  const per = cur.rest;
  return { amount, withAmount: (n) => `${subject}:${subjectId}:${resource}:${action}=${n}${per === null ? "" : `/${per}`}` };
}

function expandAmount(resolved: string, rule: string, warn: (msg: string) => void): string | undefined {
  const { amount, withAmount } = splitAmount(resolved);
  if (amount === null || amount.length === 0) return resolved;
  const num = expandNumber(amount);
  if (num === undefined) {
    warn(`malformed rule '${rule}': invalid numeric value '${amount}'`);
    return undefined;
  }
  return withAmount(String(num));
}

/** humanize_ids: `user:<uid>:...` from the kernel becomes `user:<name>:...` when the uid has a name. */
export function humanizeIds(rule: string, acct: Accounts): string {
  const cur = { rest: rule as string | null };
  const subject = strsep(cur, ":")!;
  let textid = strsep(cur, ":") ?? "";
  const rest = cur.rest ?? "";
  const lower = subject.toLowerCase();
  if (lower === "user" || lower === "group") {
    const db = lower === "user" ? acct.users : acct.groups;
    textid = db.find((e) => String(e.id) === textid)?.name ?? textid;
  }
  return `${subject}:${textid}:${rest}`;
}

/** humanize_amount: the amount of a printed rule through humanize_number(3). */
export function humanizeAmount(rule: string): string {
  const { amount, withAmount } = splitAmount(rule);
  if (amount === null || amount.length === 0) return rule;
  const num = kernelInt64(amount);
  if (typeof num === "string") return rule;
  return withAmount(humanize(num));
}

/** humanize_usage_amount: `resource=value` with the value humanized. */
export function humanizeUsage(line: string): string {
  const eq = line.indexOf("=");
  const num = kernelInt64(line.slice(eq + 1));
  return typeof num === "string" ? line : `${line.slice(0, eq)}=${humanize(num)}`;
}
