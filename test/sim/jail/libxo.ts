// A small libxo (contrib/libxo) for jls: text output is written as formatted, JSON output is built
// from containers, lists, instances and fields and written the way libxo's JSON encoder does:
// `{"__version": "2", "jail-information": {"jail": [{"jid":1,...}]}\n}\n`, or indented with
// `--libxo=json,pretty`. Titles, padding and display-only fields exist only in text.

export type XoScalar = string | number | boolean;

interface XoNode {
  kind: "container" | "list" | "instance";
  name: string;
  members: [string, XoScalar | XoScalar[] | XoNode][];
}

/** libxo options from `--libxo=json,pretty` / `--libxo json`. */
export interface XoStyle {
  json: boolean;
  pretty: boolean;
}

/** Parses libxo's command-line options out of argv (xo_parse_args); returns the style and the rest. */
export function parseXoArgs(argv: string[]): { style: XoStyle; rest: string[]; error?: string } {
  const style: XoStyle = { json: false, pretty: false };
  const rest: string[] = [argv[0] ?? ""];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    let spec: string | undefined;
    if (a === "--libxo" || a === "--libxo:") spec = argv[++i];
    else if (a.startsWith("--libxo=") || a.startsWith("--libxo:")) spec = a.slice(8);
    else {
      rest.push(a);
      continue;
    }
    if (spec === undefined) return { style, rest, error: "missing libxo option" };
    for (const word of spec.split(",")) {
      if (word === "json") style.json = true;
      else if (word === "pretty") style.pretty = true;
      else if (word === "text") style.json = false;
      else if (a.startsWith("--libxo:")) {
        for (const c of word) if (c === "J") style.json = true; else if (c === "P") style.pretty = true;
      }
    }
  }
  return { style, rest };
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** One output document. */
export class XoEmitter {
  readonly style: XoStyle;
  private text = "";
  private readonly root: XoNode = { kind: "container", name: "", members: [] };
  private readonly stack: XoNode[] = [this.root];
  private readonly version: string;

  constructor(style: XoStyle, version: string) {
    this.style = style;
    this.version = version;
  }

  /** Text that only the text style shows (titles, padding, display-only fields). */
  show(s: string): void {
    if (!this.style.json) this.text += s;
  }

  /** A field: `shown` in text, `value` under `name` in JSON. */
  field(name: string, shown: string, value: XoScalar | XoScalar[]): void {
    if (!this.style.json) this.text += shown;
    else this.top().members.push([name, value]);
  }

  private top(): XoNode {
    return this.stack.at(-1)!;
  }

  /** Opens a container, list or list instance. */
  open(kind: XoNode["kind"], name = ""): void {
    if (!this.style.json) return;
    const node: XoNode = { kind, name, members: [] };
    this.top().members.push([name, node]);
    this.stack.push(node);
  }

  /** Closes the innermost open container, list or instance. */
  close(): void {
    if (this.style.json) this.stack.pop();
  }

  /** The finished document. */
  finish(): string {
    if (!this.style.json) return this.text;
    return this.style.pretty ? this.pretty() : this.compact();
  }

  private compact(): string {
    const value = (v: XoScalar | XoScalar[] | XoNode): string => {
      if (Array.isArray(v)) return `[${v.map(scalar).join(",")}]`;
      if (typeof v === "object") return node(v);
      return scalar(v);
    };
    const scalar = (v: XoScalar): string => (typeof v === "string" ? quote(v) : String(v));
    const node = (n: XoNode): string => {
      if (n.kind === "list") return `[${n.members.map(([, m]) => value(m)).join(", ")}]`;
      let out = "{";
      n.members.forEach(([k, m], i) => {
        const nested = typeof m === "object";
        // Why: libxo separates leaf fields with "," but opens lists and containers with ", " and ": ".
        out += (i ? (nested ? ", " : ",") : "") + (nested ? `${quote(k)}: ` : `${quote(k)}:`) + value(m);
      });
      return `${out}}`;
    };
    const body = this.root.members.map(([k, m]) => `${quote(k)}: ${value(m)}`).join(", ");
    return `{"__version": ${quote(this.version)}, ${body}\n}\n`;
  }

  private pretty(): string {
    const ind = (d: number): string => "  ".repeat(d);
    const value = (v: XoScalar | XoScalar[] | XoNode, d: number): string => {
      if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => ind(d + 1) + scalar(x)).join(",\n")}\n${ind(d)}]` : "[\n" + ind(d) + "]";
      if (typeof v === "object") return node(v, d);
      return scalar(v);
    };
    const scalar = (v: XoScalar): string => (typeof v === "string" ? quote(v) : String(v));
    const node = (n: XoNode, d: number): string => {
      if (n.kind === "list") {
        return `[\n${n.members.map(([, m]) => ind(d + 1) + value(m, d + 1)).join(",\n")}\n${ind(d)}]`;
      }
      const lines = n.members.map(([k, m]) => `${ind(d + 1)}${quote(k)}: ${value(m, d + 1)}`);
      return `{\n${lines.join(",\n")}\n${ind(d)}}`;
    };
    const lines = [`  "__version": ${quote(this.version)}`,
      ...this.root.members.map(([k, m]) => `  ${quote(k)}: ${value(m, 1)}`)];
    return `{\n${lines.join(",\n")}\n}\n`;
  }
}
