// JSON text as Go's encoding/json writes it (sorted map keys, HTML-safe escapes), for the
// `variables` the engine derives from provider config.
import type { PlainValue } from "./value-model.ts";

// Marshals a plain value the way json.Marshal does for map[string]any / []any / scalars.
export function goJsonMarshal(v: PlainValue): string {
  if (v === null || typeof v === "boolean") return String(v);
  if (typeof v === "number") return goNumber(v);
  if (typeof v === "string") return goString(v);
  if (v instanceof Uint8Array) return goString(Buffer.from(v).toString("latin1"));
  if (Array.isArray(v)) return `[${v.map(goJsonMarshal).join(",")}]`;
  const entries = Object.entries(v as Record<string, PlainValue>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, e]) => `${goString(k)}:${goJsonMarshal(e)}`).join(",")}}`;
}

function goString(s: string): string {
  return JSON.stringify(s)
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

// Go's float64 encoding (shortest form, exponent below 1e-6 and from 1e21) matches ECMAScript's.
function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  return String(n);
}
