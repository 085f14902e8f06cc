import { markerComment, urnOfMarkerLine } from "./jail-marker.ts";
import { parseRctlRule, rctlRuleKey } from "./rctl.ts";

// /etc/rctl.conf as rc.d/rctl reads it at boot (libexec/rc/rc.d/rctl, 14.3: `while read var comments`,
// lines whose first word is empty or starts with `#` skipped, every other first word through
// `xargs rctl -a`): one rule per line, anything after the first word ignored. The provider marks
// the rules it writes with a comment line right above, `# pulumi:urn "URN"`, and edits only its own
// lines, leaving the rest of the file byte for byte.

export const rctlConfPath = "/etc/rctl.conf";

/** One rule line of the file. */
export interface RctlConfEntry {
  /** Line number, from 0. */
  line: number;
  /** The first word, as rc.d/rctl hands it to rctl -a. */
  text: string;
  /** The rule it stands for, when it is one rctl would take as written by the provider's vocabulary. */
  rule: ReturnType<typeof parseRctlRule>;
  /** The URN of the marker line right above it, if any. */
  urn: string | undefined;
}

/** The file split in lines (a final newline leaves no empty last line). */
function linesOf(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The rule lines of rctl.conf, in file order. */
export function parseRctlConf(text: string): RctlConfEntry[] {
  const lines = linesOf(text);
  const entries: RctlConfEntry[] = [];
  lines.forEach((raw, i) => {
    // read(1) without -r drops backslashes and splits on IFS (space, tab): the first field.
    const word = raw.replace(/\\(.)/g, "$1").trim().split(/[ \t]+/)[0] ?? "";
    if (word === "" || word.startsWith("#")) return;
    entries.push({ line: i, text: word, rule: parseRctlRule(word), urn: i > 0 ? urnOfMarkerLine(lines[i - 1]!) : undefined });
  });
  return entries;
}

/** The entries of rctl.conf for a rule key (`jail:www:memoryuse:deny`). */
export function confEntriesFor(entries: readonly RctlConfEntry[], key: string): RctlConfEntry[] {
  return entries.filter((e) => e.rule !== undefined && rctlRuleKey(e.rule) === key);
}

/**
 * The file with a marked rule appended; a marker of the same URN left without its rule (the line
 * deleted by hand) is dropped, so the file holds one marker per resource.
 */
export function withConfRule(text: string, rule: string, urn: string): string {
  const lines = linesOf(text).filter((line) => urnOfMarkerLine(line) !== urn);
  return [...lines, `# ${markerComment(urn)}`, rule, ""].join("\n");
}

/** The file with one entry's line rewritten to another rule (its marker kept). */
export function withConfRuleReplaced(text: string, entry: RctlConfEntry, rule: string): string {
  const lines = linesOf(text);
  lines[entry.line] = rule;
  return `${lines.join("\n")}\n`;
}

/** The file without one entry's line and its marker line. */
export function withoutConfRule(text: string, entry: RctlConfEntry): string {
  const lines = linesOf(text);
  const first = entry.urn !== undefined ? entry.line - 1 : entry.line;
  lines.splice(first, entry.line - first + 1);
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

