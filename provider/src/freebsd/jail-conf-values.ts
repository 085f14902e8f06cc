import { parseBoolean, type ConfParam } from "./jail-conf.ts";
import { isListType, jailParamSpec, stripNo, type JailSysValue, type JailValue } from "./jail-params.ts";

// Typed values from parsed jail.conf statements, merged as jail(8) merges one block's statements
// (config.c add_param): `=` replaces, `+=` appends, `name` and `noname` are one parameter, a scalar
// keeps the last of several values (import_params), and the catalogue gives each value its type.

/** libjail's jailsys_values, indexed by the integer form (0 disable, 1 new, 2 inherit). */
const jailSysByNumber: readonly JailSysValue[] = ["disable", "new", "inherit"];

/**
 * The parameters of a block's statements as typed values, in first-seen order. Variable definitions
 * are skipped; a value that uses a variable is refused, since variables are reported, not expanded.
 */
export function readJailParams(params: readonly ConfParam[]): Array<[string, JailValue]> {
  const result = new Map<string, JailValue>();
  for (const param of params) {
    if (param.variable) continue;
    const used = param.values.flatMap((v) => v.variables.map((x) => `$${x.name}`));
    if (used.length > 0) throw new Error(`${param.name}: uses ${used.join(", ")}; variables are not expanded`);
    if (param.boolean) {
      result.set(param.boolean.name, param.boolean.value);
      continue;
    }
    const spec = jailParamSpec(param.name);
    const texts = param.values.map((v) => v.text);
    const last = texts[texts.length - 1];
    if (!spec) {
      const base = stripNo(param.name);
      if (base !== undefined && jailParamSpec(base)?.type === "boolean") throw new Error(`${param.name}: ${JSON.stringify(last)} is not a boolean`);
      result.set(param.name, texts.length === 1 ? texts[0]! : texts);
      continue;
    }
    if (isListType(spec.type)) {
      if (param.operator === undefined) throw new Error(`${param.name}: a list needs values`);
      const before = param.operator === "+=" ? (result.get(param.name) as readonly string[] | undefined) ?? [] : [];
      result.set(param.name, [...before, ...texts]);
      continue;
    }
    result.set(param.name, scalarValue(param.name, spec.type, last));
  }
  return [...result];
}

function scalarValue(name: string, type: string, text: string | undefined): JailValue {
  switch (type) {
    case "boolean": {
      const truth = text === undefined ? true : parseBoolean(text);
      if (truth === undefined) throw new Error(`${name}: unknown boolean value ${JSON.stringify(text)}`);
      return truth;
    }
    case "integer":
      if (text === undefined || !/^[-+]?\d+$/.test(text)) throw new Error(`${name}: non-integer value ${JSON.stringify(text ?? "")}`);
      return Number(text);
    case "jailsys": {
      // libjail: an empty or missing value means "new"; names in any case, or their integers.
      if (text === undefined || text === "") return "new";
      const word = text.toLowerCase();
      if (word === "new" || word === "inherit" || word === "disable") return word;
      const byNumber = /^\d+$/.test(text) ? jailSysByNumber[Number(text)] : undefined;
      if (byNumber) return byNumber;
      throw new Error(`${name}: unknown jailsys value ${JSON.stringify(text)}`);
    }
    default:
      return text ?? "";
  }
}
