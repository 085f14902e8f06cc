// pkg(8)'s repository configuration (pkg.conf(5), the REPOS_DIR files): UCL objects such as
//   FreeBSD-base: { url: "pkg+https://pkg.FreeBSD.org/${ABI}/base_release_${VERSION_MINOR}", enabled: no }
// in the `key: value,` or `key = value;` spellings, `#`, `//` and `/* */` comments. Files are read in
// name order and a repository named again overrides the keys it sets (pkg's repos merge). Only the
// subset of UCL repository files use is read; anything else is an error naming the file and line.

/** One repository's settings, values as written (`yes`/`no` are booleans). */
export type RepoConf = Record<string, string | boolean>;

/** /etc/pkg/FreeBSD.conf of 15.0: ports and kernel modules enabled, the base system's repository disabled. */
export const PKG_REPOS_15 = `#
# To disable a repository, instead of modifying or removing this file,
# create a /usr/local/etc/pkg/repos/FreeBSD.conf file, e.g.:
#
#   mkdir -p /usr/local/etc/pkg/repos
#   echo "FreeBSD-ports: { enabled: no }" > /usr/local/etc/pkg/repos/FreeBSD.conf
#

FreeBSD-ports: {
  url: "pkg+https://pkg.FreeBSD.org/\${ABI}/quarterly",
  mirror_type: "srv",
  signature_type: "fingerprints",
  fingerprints: "/usr/share/keys/pkg",
  enabled: yes
}
FreeBSD-ports-kmods: {
  url: "pkg+https://pkg.FreeBSD.org/\${ABI}/kmods_quarterly_\${VERSION_MINOR}",
  mirror_type: "srv",
  signature_type: "fingerprints",
  fingerprints: "/usr/share/keys/pkg",
  enabled: yes
}
FreeBSD-base: {
  url: "pkg+https://pkg.FreeBSD.org/\${ABI}/base_release_\${VERSION_MINOR}",
  mirror_type: "srv",
  signature_type: "fingerprints",
  fingerprints: "/usr/share/keys/pkgbase-\${VERSION_MAJOR}",
  enabled: no
}
`;

type Token = { kind: "word" | "string" | "punct"; text: string; line: number };

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === "\n") { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === "#" || text.startsWith("//", i)) { while (i < text.length && text[i] !== "\n") i++; continue; }
    if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) throw new Error(`${file}:${line}: unterminated comment`);
      line += text.slice(i, end).split("\n").length - 1;
      i = end + 2;
      continue;
    }
    if ("{}:=,;".includes(c)) { out.push({ kind: "punct", text: c, line }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\" && j + 1 < text.length) j++;
        s += text[j];
        j++;
      }
      if (j >= text.length) throw new Error(`${file}:${line}: unterminated string`);
      out.push({ kind: "string", text: s, line });
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z0-9_.\-/+$]+/.exec(text.slice(i));
    if (!m) throw new Error(`${file}:${line}: unexpected character '${c}'`);
    out.push({ kind: "word", text: m[0], line });
    i += m[0].length;
  }
  return out;
}

/** Parses one repository file into repositories by name. */
export function parseRepoConf(text: string, file: string): Map<string, RepoConf> {
  const tokens = tokenize(text, file);
  const repos = new Map<string, RepoConf>();
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${file}:${tokens[i]?.line ?? "end"}: ${what}`);
  };
  const skipSep = (): void => {
    while (tokens[i]?.kind === "punct" && (tokens[i]!.text === "," || tokens[i]!.text === ";")) i++;
  };
  while (i < tokens.length) {
    skipSep();
    if (i >= tokens.length) break;
    const name = tokens[i++]!;
    if (name.kind === "punct") fail(`expected a repository name, found '${name.text}'`);
    if (tokens[i]?.text === ":" || tokens[i]?.text === "=") i++;
    if (tokens[i]?.text !== "{") fail(`expected '{' after ${name.text}`);
    i++;
    const conf: RepoConf = { ...(repos.get(name.text) ?? {}) };
    for (;;) {
      skipSep();
      const key = tokens[i++];
      if (!key) fail(`unterminated repository ${name.text}`);
      if (key!.text === "}" && key!.kind === "punct") break;
      if (tokens[i]?.text === ":" || tokens[i]?.text === "=") i++;
      const value = tokens[i++];
      if (!value || value.kind === "punct") fail(`expected a value for ${key!.text}`);
      const v = value!.text;
      conf[key!.text.toLowerCase()] = value!.kind === "word" && /^(yes|true|on)$/i.test(v) ? true
        : value!.kind === "word" && /^(no|false|off)$/i.test(v) ? false : v;
    }
    repos.set(name.text, conf);
  }
  return repos;
}

/** Expands ${ABI}, ${VERSION_MAJOR}, ${VERSION_MINOR} and ${OSVERSION} in a repository URL or path. */
export function expandRepoVars(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
}
