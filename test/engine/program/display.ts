// What the CLI prints for a pass (pkg/backend/display): the resource tree with each step's plan or
// status and its changed top-level properties, then under it the property changes themselves (as
// `--diff` shows them), diagnostics per resource, the stack outputs and the summary of changes.
// Default providers are not shown, nor resources without changes (they are counted as unchanged).
import type { PropertyDiff } from "../object-diff.ts";
import { parsePropertyPath } from "../property-path.ts";
import type { StepRecord } from "../stack-types.ts";
import { urnName } from "../urn.ts";
import { deepEqual, isResourceRef, isSecret, isUnknown, isValueMap, type Value, type ValueMap } from "../value-model.ts";
import { stackOutputs, type PassResult } from "./operations.ts";
import type { ProgramState } from "./state-file.ts";

const STACK = "pulumi:pulumi:Stack";
const PREFIX: Record<string, string> = { create: "+ ", update: "~ ", replace: "+-", delete: "- ", import: "= ", same: "  " };
const PLAN: Record<string, string> = { create: "create", update: "update", replace: "replace", delete: "delete", import: "import", same: "" };
const DONE: Record<string, string> = { create: "created", update: "updated", replace: "replaced", delete: "deleted", import: "imported", same: "" };
const COLOR: Record<string, string> = { create: "32", update: "33", replace: "35", delete: "31", import: "36", same: "2" };
const HEAD: Record<PassResult["kind"], [string, string]> = {
  update: ["Previewing update", "Updating"], refresh: ["Previewing refresh", "Refreshing"],
  destroy: ["Previewing destroy", "Destroying"], import: ["Previewing import", "Importing"],
};

/** Display options. */
export interface DisplayOptions {
  stack: string;
  color?: boolean;
}

// Renders a pass as the CLI prints it.
export function renderPass(r: PassResult, opts: DisplayOptions): string {
  const paint = (code: string, s: string): string => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [paint("1", `${HEAD[r.kind][r.dryRun ? 0 : 1]} (${opts.stack}):`)];
  const last = finalSteps(r);
  const rows = treeRows(r, last);
  const typeWidth = Math.max(4, ...rows.map((x) => x.indent.length + x.step.type.length));
  const nameWidth = Math.max(4, ...rows.map((x) => x.step.name.length));
  lines.push(`     ${"Type".padEnd(typeWidth)}  ${"Name".padEnd(nameWidth)}  ${r.dryRun ? "Plan" : "Status"}`);
  for (const { step, indent } of rows) {
    const word = (r.dryRun ? PLAN : DONE)[step.op] ?? step.op;
    const info = diffInfo(step);
    lines.push(`${paint(COLOR[step.op] ?? "0", ` ${PREFIX[step.op] ?? "  "}`)}  ${`${indent}${step.type}`.padEnd(typeWidth)}  ${step.name.padEnd(nameWidth)}  ${paint(COLOR[step.op] ?? "0", word.padEnd(8))}${info ? `  ${info}` : ""}`.trimEnd());
    for (const change of propertyChanges(step, r.olds)) lines.push(`${" ".repeat(7 + indent.length)}${paint(COLOR[change.op] ?? "0", change.text)}`);
  }
  const diags = diagnostics(r);
  if (diags.length > 0) lines.push("", paint("1", "Diagnostics:"), ...diags);
  const outputs = outputLines(r);
  if (outputs.length > 0) lines.push("", paint("1", "Outputs:"), ...outputs);
  lines.push("", paint("1", "Resources:"), ...summary(r, last).map((s) => `    ${s}`));
  if (!r.dryRun) lines.push("", `Duration: ${Math.max(1, Math.round(r.ms / 1000))}s`);
  return `${lines.join("\n")}\n`;
}

/** The step that counts for each resource (its last), in the program's order; the stack is always there. */
function finalSteps(r: PassResult): Map<string, StepRecord> {
  const byUrn = new Map<string, StepRecord>();
  for (const s of r.steps) if (!isDefaultProvider(s.urn)) byUrn.set(s.urn, s);
  const stack = r.news.components.find((c) => c.type === STACK) ?? r.olds.components.find((c) => c.type === STACK);
  if (stack && !byUrn.has(stack.urn)) byUrn.set(stack.urn, { name: stack.name, urn: stack.urn, type: STACK, op: "same" });
  const rank = (urn: string): number => {
    const i = r.order.indexOf(urn);
    return i === -1 ? r.order.length + r.steps.findIndex((s) => s.urn === urn) : i;
  };
  return new Map([...byUrn].sort(([a], [b]) => (a === stack?.urn ? -1 : b === stack?.urn ? 1 : rank(a) - rank(b))));
}

function isDefaultProvider(urn: string): boolean {
  return urn.includes("::pulumi:providers:") && /^default(_|$)/.test(urnName(urn));
}

// The rows shown: every changed resource and its ancestors, in tree order under the stack.
function treeRows(r: PassResult, last: Map<string, StepRecord>): { step: StepRecord; indent: string }[] {
  const parentOf = (urn: string): string | undefined => parentIn(r.news, urn) ?? parentIn(r.olds, urn);
  const shown = new Set<string>();
  for (const [urn, s] of last) {
    if (s.op === "same" && s.type !== STACK) continue;
    for (let u: string | undefined = urn; u !== undefined && !shown.has(u); u = parentOf(u)) shown.add(u);
  }
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const urn of last.keys()) {
    if (!shown.has(urn)) continue;
    const p = parentOf(urn);
    if (p !== undefined && shown.has(p)) children.set(p, [...(children.get(p) ?? []), urn]);
    else roots.push(urn);
  }
  const rows: { step: StepRecord; indent: string }[] = [];
  const walk = (urn: string, lead: string, branch: string): void => {
    rows.push({ step: last.get(urn)!, indent: lead + branch });
    const kids = children.get(urn) ?? [];
    kids.forEach((k, i) => walk(k, lead + (branch === "" ? "" : branch === "├─ " ? "│  " : "   "), i === kids.length - 1 ? "└─ " : "├─ "));
  };
  for (const root of roots) walk(root, "", "");
  return rows;
}

function parentIn(state: ProgramState, urn: string): string | undefined {
  return state.stack.resources.find((x) => x.urn === urn)?.parent ?? state.components.find((x) => x.urn === urn)?.parent;
}

// "[diff: +added~changed-deleted]" from the detailed diff's top-level keys.
function diffInfo(step: StepRecord): string {
  const diff = step.diff;
  if (diff === undefined || (step.op !== "update" && step.op !== "replace")) return "";
  const kinds: Record<string, Set<string>> = { "+": new Set(), "-": new Set(), "~": new Set() };
  const entries = Object.entries(diff.detailedDiff ?? {});
  if (entries.length === 0) for (const k of [...diff.diffs, ...diff.replaces]) kinds["~"]!.add(k);
  for (const [path, d] of entries) kinds[d.kind.startsWith("add") ? "+" : d.kind.startsWith("delete") ? "-" : "~"]!.add(String(parsePropertyPath(path)[0]));
  const text = Object.entries(kinds).filter(([, s]) => s.size > 0).map(([m, s]) => `${m}${[...s].sort().join(",")}`).join("");
  return text ? `[diff: ${text}]` : "";
}

// The changed properties of an update, replacement or drift, with their old and new values.
function propertyChanges(step: StepRecord, olds: ProgramState): { op: string; text: string }[] {
  if ((step.op !== "update" && step.op !== "replace") || step.diff?.detailedDiff === undefined) return [];
  const old = olds.stack.resources.find((x) => x.urn === step.urn)?.inputs ?? {};
  const now = step.inputs ?? {};
  return Object.entries(step.diff.detailedDiff).sort(([a], [b]) => a.localeCompare(b)).map(([path, d]) => change(path, d, old, now));
}

function change(path: string, d: PropertyDiff, old: ValueMap, now: ValueMap): { op: string; text: string } {
  const replace = d.kind.endsWith("-replace") ? " (forces replacement)" : "";
  const before = show(at(old, path));
  const after = show(at(now, path));
  if (d.kind.startsWith("add")) return { op: "create", text: `+ ${path}: ${after}${replace}` };
  if (d.kind.startsWith("delete")) return { op: "delete", text: `- ${path}: ${before}${replace}` };
  return { op: replace ? "replace" : "update", text: `~ ${path}: ${before} => ${after}${replace}` };
}

function at(map: ValueMap, path: string): Value | undefined {
  let v: Value | undefined = map;
  for (const k of parsePropertyPath(path)) {
    if (isSecret(v)) return v;
    if (Array.isArray(v) && typeof k === "number") v = v[k];
    else if (isValueMap(v) && typeof k === "string") v = v[k];
    else return undefined;
  }
  return v;
}

// A value as the CLI prints it: secrets hidden, unknowns as output<string>.
export function show(v: Value | undefined): string {
  if (v === undefined) return "<absent>";
  if (isSecret(v)) return "[secret]";
  if (isUnknown(v)) return "output<string>";
  if (isResourceRef(v)) return `resource(${v.urn})`;
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (isValueMap(v)) return `{${Object.entries(v).map(([k, e]) => `${k}: ${show(e)}`).join(", ")}}`;
  return JSON.stringify(v);
}

// Diagnostics by resource: the engine's, the providers' and the program's logs, the program's output.
function diagnostics(r: PassResult): string[] {
  const stack = r.news.components.find((c) => c.type === STACK)?.urn ?? r.olds.components[0]?.urn ?? "";
  const groups = new Map<string, string[]>();
  const add = (urn: string, line: string): void => {
    const key = urn || stack;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  };
  for (const line of r.programOutput.split("\n").filter((l) => l.trim() !== "")) add(stack, line);
  for (const l of r.logs) if (l.severity !== "debug" && !l.ephemeral) add(l.urn, `${l.severity}: ${l.message.trimEnd()}`);
  for (const d of r.diagnostics) {
    // The engine reports a failed step against its resource ("<urn>: creating failed: ...").
    const m = d.urn === undefined ? /^(urn:pulumi:[^ ]+?): (.*)$/s.exec(d.message) : null;
    const invalid = d.urn === undefined ? /^resource (urn:pulumi:[^ ]+) is invalid$/.exec(d.message) : null;
    if (m) add(m[1]!, `${d.severity}: ${m[2]}`);
    else if (invalid) continue; // its Check failures are listed under it already
    else add(d.urn ?? "", `${d.severity}: ${d.message}`);
  }
  if (r.error !== undefined) add(stack, `error: ${r.dryRun ? "preview" : r.kind} failed`);
  const out: string[] = [];
  for (const [urn, lines] of groups) {
    const type = urn.split("::")[2]?.split("$").pop() ?? "";
    out.push(`  ${urn ? `${type} (${urnName(urn)})` : "pulumi"}:`, ...lines.flatMap((l) => l.split("\n")).map((l) => `    ${l}`), "");
  }
  return out.slice(0, -1);
}

// The stack outputs as the CLI lists them: keys aligned, maps and lists over several lines, and in an
// update the added (+), removed (-) and changed (~) ones marked, changed maps key by key.
function outputLines(r: PassResult): string[] {
  const before = stackOutputs(r.olds);
  const after = r.kind === "destroy" ? {} : stackOutputs(r.news);
  return diffMap(before, after, 1);
}

function diffMap(before: ValueMap, after: ValueMap, depth: number): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.flatMap((k) => {
    const a = before[k];
    const b = after[k];
    const title = (mark: string): string => `${"    ".repeat(depth - 1)}  ${mark} ${k.padEnd(width)}: `;
    if (a === undefined) return block(title("+"), b!, depth);
    if (b === undefined) return block(title("-"), a, depth);
    if (deepEqual(a, b)) return block(title(" "), b, depth);
    if (isValueMap(a) && isValueMap(b)) return [`${title("~")}{`, ...diffMap(a, b, depth + 1), `${"    ".repeat(depth)}}`];
    return [`${title("~")}${show(a)} => ${show(b)}`];
  });
}

// A value after its title: scalars on the line, maps and lists below it, indented.
function block(title: string, v: Value, depth: number): string[] {
  const pad = "    ".repeat(depth);
  if (isValueMap(v) && Object.keys(v).length > 0) {
    const width = Math.max(...Object.keys(v).map((k) => k.length));
    return [`${title}{`, ...Object.entries(v).flatMap(([k, e]) => block(`${pad}    ${k.padEnd(width)}: `, e, depth + 1)), `${pad}}`];
  }
  if (Array.isArray(v) && v.length > 0) return [`${title}[`, ...v.flatMap((e, i) => block(`${pad}    [${i}]: `, e, depth + 1)), `${pad}]`];
  return [`${title}${show(v)}`];
}

// "+ 3 to create", "~ 1 updated", "5 unchanged".
function summary(r: PassResult, last: Map<string, StepRecord>): string[] {
  const counts = new Map<string, number>();
  for (const s of last.values()) counts.set(s.op, (counts.get(s.op) ?? 0) + 1);
  const out: string[] = [];
  for (const op of ["create", "update", "replace", "delete", "import"]) {
    const n = counts.get(op);
    if (n) out.push(`${PREFIX[op]!.trim().padEnd(2)}${n} ${r.dryRun ? `to ${op}` : DONE[op]}`);
  }
  const unchanged = counts.get("same") ?? 0;
  if (unchanged > 0) out.push(`${unchanged} unchanged`);
  return out.length > 0 ? out : ["0 changes"];
}
