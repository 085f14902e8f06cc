// Dataset name validation (zfs_namecheck.c entity_namecheck + libzfs zfs_validate_name), returning
// the exact description libzfs prints after "cannot <verb> '<name>': ".

import { T_BOOKMARK, T_SNAP } from "./prop-table.ts";

const MAX_NAME_LEN = 256;
const MAX_NESTING = 50;

function validChar(c: string): boolean {
  return /[a-zA-Z0-9\-_.: ]/.test(c);
}

/** entity_namecheck: undefined when valid, else the libzfs description. */
export function entityNamecheck(path: string): string | undefined {
  if (path.length >= MAX_NAME_LEN) return "name is too long";
  if (path.startsWith("/")) return "leading slash in name";
  if (path === "") return "empty component or misplaced '@' or '#' delimiter in name";
  let start = 0;
  let foundDelim = false;
  for (;;) {
    let end = start;
    while (end < path.length && !"/@#".includes(path[end]!)) end++;
    if (end === path.length && path[end - 1] === "/") return "trailing slash in name";
    for (let i = start; i < end; i++) {
      const c = path[i]!;
      if (!validChar(c) && c !== "%") return `invalid character '${c}' in name`;
    }
    const atEnd = end === path.length;
    const component = path.slice(start, end);
    if (atEnd || path[end] === "/") {
      if (component === ".") return "self reference, '.' is found in name";
      if (component === "..") return "parent reference, '..' is found in name";
    }
    if (!atEnd && (path[end] === "@" || path[end] === "#")) {
      if (foundDelim) return "multiple '@' and/or '#' delimiters in name";
      foundDelim = true;
    }
    if (start === end) return "empty component or misplaced '@' or '#' delimiter in name";
    if (atEnd) return undefined;
    if (path[end] === "/" && foundDelim) return "trailing slash in name";
    start = end + 1;
  }
}

/** zfs_validate_name: undefined when the name is valid for the type mask, else the description. */
export function validateName(path: string, typeMask: number, modifying: boolean): string | undefined {
  if (!(typeMask & T_SNAP) && path.includes("@")) return "snapshot delimiter '@' is not expected here";
  if (typeMask === T_SNAP && !path.includes("@")) return "missing '@' delimiter in snapshot name";
  if (!(typeMask & T_BOOKMARK) && path.includes("#")) return "bookmark delimiter '#' is not expected here";
  if (typeMask === T_BOOKMARK && !path.includes("#")) return "missing '#' delimiter in bookmark name";
  if (modifying && path.includes("%")) return "invalid character % in name";
  return entityNamecheck(path);
}

/** dataset_nestcheck: true when the name is nested too deeply. */
export function tooDeep(path: string): boolean {
  const head = path.split(/[@#]/)[0]!;
  return head.split("/").length - 1 >= MAX_NESTING;
}

/** pool_namecheck for pool names; undefined when valid. */
export function poolNamecheck(pool: string): string | undefined {
  for (const c of pool) if (!validChar(c)) return `invalid character '${c}' in pool name`;
  if (!/^[a-zA-Z]/.test(pool)) return "name must begin with a letter";
  if (["mirror", "raidz", "draid"].includes(pool)) return "name is reserved";
  return undefined;
}
