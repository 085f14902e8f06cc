import { command, type Command } from "../core/command.ts";
import { jailParamSpec } from "./jail-params.ts";

// The jail inventory from jls(8) in libxo JSON (usr.sbin/jls/jls.c, FreeBSD 14, JLS_XO_VERSION "2").
// `-n` with no parameter names means "all": every parameter the host has (jailparam_all), top-level
// names first, then dotted ones, each sorted. In that mode jls emits every value through `{a:/%s}`,
// so numbers arrive as JSON strings; booleans through `{en:NAME/true|false}`, so as JSON booleans;
// ip4.addr and ip6.addr as lists of strings (emit_ip_addr_list). libxo 1.6 escapes only `"`, `\`,
// newline and carriage return in JSON strings and writes other control characters raw.

export type JlsValue = string | number | boolean | string[];

/** One running jail: its jid, its name, and every parameter jls printed (jid and name included). */
export interface JlsJail {
  jid: number;
  name: string;
  params: Record<string, JlsValue>;
}

/** `jls` of every parameter of every jail as JSON; `dying` adds jails being torn down (`-d`). */
export function jlsAll(options: { dying?: boolean } = {}): Command {
  return options.dying ? command("jls", "--libxo", "json", "-d", "-n") : command("jls", "--libxo", "json", "-n");
}

/** Parses `jls --libxo json -n` into jails in jid order; throws on output of another shape. */
export function parseJls(text: string): JlsJail[] {
  let doc: unknown;
  try {
    doc = JSON.parse(escapeControlCharacters(text));
  } catch (error) {
    throw new Error(`jls output is not JSON: ${(error as Error).message}`);
  }
  const info = isObject(doc) ? doc["jail-information"] : undefined;
  const list = isObject(info) ? info["jail"] : undefined;
  if (!Array.isArray(list)) throw new Error("jls output lacks jail-information.jail");
  return list.map((entry, index) => readJail(entry, index));
}

function readJail(entry: unknown, index: number): JlsJail {
  if (!isObject(entry)) throw new Error(`jls jail #${index} is not an object`);
  const params: Record<string, JlsValue> = {};
  for (const [name, raw] of Object.entries(entry)) params[name] = readValue(name, raw);
  const { jid, name } = params;
  if (typeof jid !== "number") throw new Error(`jls jail #${index} has no jid`);
  if (typeof name !== "string") throw new Error(`jls jail ${jid} has no name`);
  return { jid, name, params };
}

/** One value, typed by the catalogue: integers become numbers; unknown parameters stay as printed. */
function readValue(name: string, raw: unknown): JlsValue {
  const type = jailParamSpec(name)?.type;
  if (Array.isArray(raw)) {
    if (!raw.every((v) => typeof v === "string")) throw new Error(`jls ${name}: a list of non-strings`);
    if (type !== undefined && type !== "ip4-list" && type !== "ip6-list") throw new Error(`jls ${name}: unexpected list`);
    return raw;
  }
  if (typeof raw === "boolean") {
    if (type !== undefined && type !== "boolean") throw new Error(`jls ${name}: unexpected boolean`);
    return raw;
  }
  if (typeof raw !== "string" && typeof raw !== "number") throw new Error(`jls ${name}: unexpected ${JSON.stringify(raw)}`);
  if (type === "boolean" || type === "ip4-list" || type === "ip6-list") throw new Error(`jls ${name}: unexpected ${JSON.stringify(raw)}`);
  if (type !== "integer") return String(raw);
  // jailparam_export prints integers in decimal ("%d", "%u", "%lu").
  const text = String(raw);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new Error(`jls ${name}: not an integer: ${JSON.stringify(raw)}`);
  return Number(text);
}

/** Escapes the raw control characters libxo leaves inside JSON strings, which JSON.parse refuses. */
function escapeControlCharacters(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") {
        out += c + (text[++i] ?? "");
        continue;
      }
      if (c === '"') inString = false;
      else if (c.charCodeAt(0) < 0x20) {
        out += `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
        continue;
      }
    } else if (c === '"') inString = true;
    out += c;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
