import type { ConfBlock } from "./jail-conf.ts";

// The mark a jail's file carries of the Pulumi resource that wrote it: a comment line above the
// block, `# pulumi:urn "URN"`, the URN as a JSON string (so no URN can end the comment line: JSON
// escapes every control character). jail(8) ignores it (jaillex.l: `#` comments to the end of line).

const markerPattern = /^[ \t]*#[ \t]*pulumi:urn[ \t]+("(?:[^"\\]|\\.)*")[ \t]*$/;

/** The comment text (without `# `) that marks a block as the resource's with this URN. */
export function markerComment(urn: string): string {
  return `pulumi:urn ${JSON.stringify(urn)}`;
}

/** The URN in the comment lines right above a block, or undefined when it carries none. */
export function markerOf(text: string, block: ConfBlock): string | undefined {
  for (const line of text.slice(block.commentStart, block.start).split("\n")) {
    const urn = urnOfMarkerLine(line);
    if (urn !== undefined) return urn;
  }
  return undefined;
}

/** The URN of one marker comment line (`# pulumi:urn "URN"`, as in jail.conf and rctl.conf), or undefined. */
export function urnOfMarkerLine(line: string): string | undefined {
  const m = markerPattern.exec(line.replace(/\r$/, ""));
  if (!m) return undefined;
  try {
    const urn: unknown = JSON.parse(m[1]!);
    return typeof urn === "string" ? urn : undefined;
  } catch {
    // A line that only looks like a marker marks nothing.
    return undefined;
  }
}
