// A FreeBSD release's MANIFEST: the list of distribution sets with their SHA-256 sums that the
// installer verifies before extracting anything (usr.sbin/bsdinstall/scripts/checksum: `sha256 -q`
// of the set compared with field 2 of the MANIFEST line whose field 1 is the set's file name).
// release/scripts/make-manifest.sh writes it, one tab-separated line per set:
//   base.txz  <sha256>  <entries: tar tvf | wc -l>  base  "Base system (MANDATORY)"  on
// (file, checksum, archive entry count, the set's name with '-' as '_', quoted description,
// whether the installer selects it by default).

/** One set of a MANIFEST. */
export interface ManifestEntry {
  /** The archive's file name, e.g. `base.txz`. */
  file: string;
  /** Lower-case hex SHA-256 of the archive. */
  sha256: string;
  /** How many entries the archive holds (bsdinstall's progress total). */
  entries: number;
  /** The set's name as the installer knows it, e.g. `base`, `kernel_dbg`. */
  name: string;
  description: string;
  /** Selected by default in the installer. */
  selected: boolean;
}

/** Parses a MANIFEST into its sets by file name; throws naming the line it does not understand. */
export function parseManifest(text: string): Map<string, ManifestEntry> {
  const sets = new Map<string, ManifestEntry>();
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const fields = line.split("\t");
    const where = `MANIFEST line ${i + 1} (${JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line)})`;
    if (fields.length !== 6) throw new Error(`${where}: expected 6 tab-separated fields, found ${fields.length}`);
    const [file, sha256, entries, name, description, selected] = fields as [string, string, string, string, string, string];
    if (!/^[A-Za-z0-9_.-]+\.txz$/.test(file)) throw new Error(`${where}: ${JSON.stringify(file)} is not a distribution set's file name`);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`${where}: ${JSON.stringify(sha256)} is not a SHA-256 sum`);
    if (!/^\d+$/.test(entries)) throw new Error(`${where}: the entry count ${JSON.stringify(entries)} is not a number`);
    if (!/^".*"$/.test(description)) throw new Error(`${where}: the description is not quoted`);
    if (selected !== "on" && selected !== "off") throw new Error(`${where}: the default selection must be on or off, not ${JSON.stringify(selected)}`);
    if (sets.has(file)) throw new Error(`${where}: ${file} is listed twice`);
    sets.set(file, { file, sha256, entries: Number(entries), name, description: description.slice(1, -1), selected: selected === "on" });
  });
  if (sets.size === 0) throw new Error("MANIFEST lists no distribution sets");
  return sets;
}
