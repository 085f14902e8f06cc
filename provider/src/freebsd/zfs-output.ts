// Parsers of zfs(8)/zpool(8) machine-readable output (OpenZFS 2.2: `-H` = TAB-separated, no header;
// `-p` = exact integers). They throw on lines they do not understand rather than guess.

/** A property value with its source as zfs prints it (`local`, `default`, `inherited from X`, `-`, ...). */
export interface PropertyValue {
  value: string;
  source: string;
}

/** A filesystem or volume with every property `zfs get all` printed for it. */
export interface DatasetRecord {
  name: string;
  properties: Record<string, PropertyValue>;
}

/** A snapshot, from `zfs list -t snapshot`. */
export interface SnapshotRecord {
  name: string;
  dataset: string;
  guid: string;
  createtxg: string;
  creation: number;
  used: number;
  referenced: number;
  clones: string[];
  /** The number of user holds (`zfs hold`). */
  userrefs: number;
}

/** A pool, from `zpool list`. */
export interface PoolRecord {
  name: string;
  size: number;
  allocated: number;
  free: number;
  health: string;
}

/** Splits output into non-empty lines. */
function linesOf(text: string): string[] {
  return text.split("\n").filter((line) => line.length > 0);
}

/**
 * Parses `zfs get -H -p -o name,property,value,source ... all` into datasets by name. A refresh reads
 * tens of thousands of lines at once, so each is cut at its TABs in place rather than split.
 */
export function parseZfsGet(text: string): Map<string, DatasetRecord> {
  const datasets = new Map<string, DatasetRecord>();
  let record: DatasetRecord | undefined;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    if (end > start) {
      // A user property's value may itself contain TABs: name and property come first, source last.
      const tab1 = text.indexOf("\t", start);
      const tab2 = tab1 === -1 || tab1 > end ? -1 : text.indexOf("\t", tab1 + 1);
      const last = text.lastIndexOf("\t", end - 1);
      if (tab2 === -1 || tab2 > end || last <= tab2) throw new Error(`unexpected zfs get line: ${JSON.stringify(text.slice(start, end))}`);
      const name = text.slice(start, tab1);
      if (record?.name !== name) {
        record = datasets.get(name);
        if (!record) {
          record = { name, properties: {} };
          datasets.set(name, record);
        }
      }
      record.properties[text.slice(tab1 + 1, tab2)] = { value: text.slice(tab2 + 1, last), source: text.slice(last + 1, end) };
    }
    start = end + 1;
  }
  return datasets;
}

/** Parses an exact integer printed by `-p`; `-` and `none` mean 0. */
export function parseExact(text: string): number {
  if (text === "-" || text === "none") return 0;
  if (!/^\d+$/.test(text)) throw new Error(`expected an exact integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Parses `zfs list -H -p -t snapshot -o name,guid,createtxg,creation,used,referenced,clones,userrefs`. */
export function parseSnapshotList(text: string): Map<string, SnapshotRecord> {
  const snapshots = new Map<string, SnapshotRecord>();
  for (const line of linesOf(text)) {
    const fields = line.split("\t");
    if (fields.length !== 8 || !fields[0]!.includes("@")) {
      throw new Error(`unexpected zfs list line: ${JSON.stringify(line)}`);
    }
    const [name, guid, createtxg, creation, used, referenced, clones, userrefs] = fields as [string, string, string, string, string, string, string, string];
    snapshots.set(name, {
      name,
      dataset: name.slice(0, name.indexOf("@")),
      guid,
      createtxg,
      creation: parseExact(creation),
      used: parseExact(used),
      referenced: parseExact(referenced),
      clones: clones === "" || clones === "-" ? [] : clones.split(","),
      userrefs: parseExact(userrefs),
    });
  }
  return snapshots;
}

/** Parses `zpool list -H -p -o name,size,allocated,free,health`. */
export function parseZpoolList(text: string): PoolRecord[] {
  if (text.trim() === "no pools available") return [];
  return linesOf(text).map((line) => {
    const fields = line.split("\t");
    if (fields.length !== 5) throw new Error(`unexpected zpool list line: ${JSON.stringify(line)}`);
    const [name, size, allocated, free, health] = fields as [string, string, string, string, string];
    return { name, size: parseExact(size), allocated: parseExact(allocated), free: parseExact(free), health };
  });
}

/**
 * The datasets a `zfs get`/`zfs list` of named datasets did not find, when that is all its stderr says
 * (zfs_main.c zfs_for_each: `cannot open 'NAME': dataset does not exist` per missing name, exit 1, the
 * others still printed); undefined when stderr says anything else.
 */
export function missingDatasets(stderr: string): string[] | undefined {
  const names: string[] = [];
  for (const line of stderr.split("\n")) {
    if (line === "") continue;
    const m = /^cannot open '(.*)': dataset does not exist$/s.exec(line);
    if (!m) return undefined;
    names.push(m[1]!);
  }
  return names;
}

/** Parses `zfs list -H -p -o name,guid`: GUIDs by dataset name. */
export function parseGuidList(text: string): Map<string, string> {
  const guids = new Map<string, string>();
  for (const line of linesOf(text)) {
    const fields = line.split("\t");
    if (fields.length !== 2 || !/^\d+$/.test(fields[1]!)) throw new Error(`unexpected zfs list line: ${JSON.stringify(line)}`);
    guids.set(fields[0]!, fields[1]!);
  }
  return guids;
}

/**
 * Parses `zfs holds -H -p`: `SNAPSHOT TAB TAG TAB SECONDS` per hold (zfs_main.c print_holds), into the
 * tags of each snapshot that has any, with when each was placed. A tag may itself hold a TAB (only
 * zfs hold's '.'-prefix rule limits it): the snapshot comes first and the time last.
 */
export function parseHolds(text: string): Map<string, Map<string, number>> {
  const holds = new Map<string, Map<string, number>>();
  for (const line of linesOf(text)) {
    const fields = line.split("\t");
    const when = fields[fields.length - 1]!;
    if (fields.length < 3 || !fields[0]!.includes("@") || !/^\d+$/.test(when)) {
      throw new Error(`unexpected zfs holds line: ${JSON.stringify(line)}`);
    }
    const snapshot = fields[0]!;
    const tags = holds.get(snapshot) ?? new Map<string, number>();
    tags.set(fields.slice(1, -1).join("\t"), Number(when));
    holds.set(snapshot, tags);
  }
  return holds;
}

/**
 * What `zfs holds -r` of named snapshots printed on stderr that is no failure: `cannot open 'FS': dataset
 * does not exist` for a snapshot's dataset that is gone, and `no datasets available` when no snapshot
 * of those names exists (zfs_do_holds); the names of the missing datasets, or undefined for anything else.
 */
export function missingHoldsDatasets(stderr: string): string[] | undefined {
  const rest = stderr.split("\n").filter((line) => line !== "no datasets available").join("\n");
  return missingDatasets(rest);
}
