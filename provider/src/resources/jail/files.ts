import type { Command } from "../../core/command.ts";
import { conflictMarker, locked, writeFile } from "../../freebsd/files.ts";
import { parseJailConf, type ConfBlock } from "../../freebsd/jail-conf.ts";
import type { HostView } from "../../inventory/view.ts";
import { jailFiles } from "../../sections/jails.ts";
import { jailConfPath, mainJailConf } from "./paths.ts";
import type { JailDefinition } from "./read.ts";

// Commands on the files that define a jail. Every rewrite is checked against what the inventory read
// (writeFile's `expect`), so two operations editing one shared file never undo each other: the second
// finds the file changed, nothing is written, and its plan is made again from the file as it is.

/** A file's text without one block and the comment lines above it, the rest byte for byte. */
export function withoutBlock(text: string, block: ConfBlock): string {
  return text.slice(0, block.commentStart) + text.slice(block.end);
}

/** A file's text with one block (and its comment lines) replaced, the rest byte for byte. */
export function replaceBlock(text: string, block: ConfBlock, rendered: string): string {
  return text.slice(0, block.commentStart) + rendered + text.slice(block.end);
}

// $1 the path; the expected text on stdin. Removes the file only while it still holds that text.
const removeScript = [
  'f=$1; tmp=$(mktemp "$f.XXXXXX") || exit 1',
  "trap 'rm -f \"$tmp\"' EXIT",
  'cat > "$tmp"',
  '[ -e "$f" ] || exit 0',
  'cmp -s "$tmp" "$f" || { echo "' + conflictMarker + ' $f changed since it was read" >&2; exit 75; }',
  'rm -f "$f"',
].join("\n");

/** Removes a file under the host lock, only while it still holds `expect` (a file already gone is fine). */
export function removeIfUnchanged(path: string, expect: string): Command {
  return locked({ argv: ["/bin/sh", "-c", removeScript, "sh", path], stdin: expect });
}

/** Writes the jail's own file in /etc/jail.conf.d unless it already holds `text` (a new file must not exist yet). */
export function writeJailFile(view: HostView, name: string, text: string): Command[] {
  const path = jailConfPath(name);
  const now = view.get(jailFiles).get(path);
  return now === text ? [] : [writeFile(path, text, now ?? null)];
}

/** Commands that take one definition of a jail off the host, leaving the rest of its file as it is. */
export function removeDefinition(view: HostView, definition: JailDefinition): Command[] {
  const text = view.get(jailFiles).get(definition.file)!;
  const rest = withoutBlock(text, definition.block);
  // The jail's own files go when no other jail is left in them: rc.d/jail reads /etc/jail.NAME.conf
  // and /etc/jail.conf.d/NAME.conf whatever they hold.
  if (definition.file !== mainJailConf && parseJailConf(rest).jails.length === 0) return [removeIfUnchanged(definition.file, text)];
  return [writeFile(definition.file, rest, text)];
}
