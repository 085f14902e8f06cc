import type { Existing } from "../contract.ts";
import { addressFamilyOf } from "../../freebsd/jail-addresses.ts";
import { addressChangeNeedsRestart, jailParamSpec, type JailValue } from "../../freebsd/jail-params.ts";
import { changedParams, withLiveValues } from "./live.ts";
import { jailParamsOf, withoutCpusetCommand } from "./params.ts";
import { jailConfPath, mainJailConf } from "./paths.ts";
import type { JailInputs, JailOutputs } from "./schema.ts";

// Which changes a running jail takes with `jail -m` and which need it restarted, and what an update
// will do that a preview should say.

type Params = ReadonlyArray<readonly [string, JailValue]>;

/**
 * Whether changing a parameter on a running jail needs it restarted (jail(8) -m cannot do it), given
 * the parameters it was started with (`applied`) and the new ones.
 */
export function needsRestart(name: string, applied: Params, after: Params): boolean {
  const spec = jailParamSpec(name);
  if (!spec) return true;
  if (spec.kind === "pseudo") return spec.update === "restart";
  if (spec.update !== "live") return true;
  const next = after.find(([p]) => p === name)?.[1];
  // A parameter dropped from the file goes back to its default only when the jail is created again,
  // except allow.* flags, which jail -m can turn off.
  if (next === undefined) return !(name.startsWith("allow.") && spec.type === "boolean");
  if (!addressFamilyOf(name)) return false;
  // jail(8) adds and removes interface aliases (`iface|addr`, or every address with `interface`) only
  // when it creates or removes the jail, from the file it then reads: both the old and new ones count.
  const relevant = [...applied, ...after].filter(([p]) => p === name || p === "interface");
  return addressChangeNeedsRestart(relevant) !== undefined;
}

/** The old parameters, when the old inputs are complete enough to render. */
function appliedParams(current: Existing<JailOutputs, JailInputs>): Array<[string, JailValue]> | undefined {
  try {
    return jailParamsOf(current.inputs);
  } catch {
    return undefined;
  }
}

/** What an update will do that a preview should say: restarts, and writing the definition to its own file. */
export function describeUpdate(current: Existing<JailOutputs, JailInputs>, news: JailInputs): string[] {
  const notes: string[] = [];
  const file = jailConfPath(news.name);
  if (current.state.configFile === mainJailConf) {
    notes.push(`moves the definition of jail ${news.name} from /etc/jail.conf to ${file} (the rest of /etc/jail.conf is kept as it is)`);
  } else if (current.state.configFile === "") {
    notes.push(
      `writes the definition of jail ${news.name} to ${file}: it has no jail.conf entry (it was made with jail -c or by ` +
        `another tool), so from now on rc.d/jail starts it from that file, with the parameters of the program`,
    );
  }
  const applied = current.state.running && news.running ? appliedParams(current) : undefined;
  if (applied) {
    // Against the running jail: jls's values (its `live` output) where it has them.
    const after = withoutCpusetCommand(jailParamsOf(news), news.name);
    const before = withoutCpusetCommand(withLiveValues(applied, current.state.live ?? {}), news.name);
    const kept = withoutCpusetCommand(applied, news.name);
    const restarting = changedParams(before, after).filter((c) => needsRestart(c.name, kept, after));
    if (restarting.length > 0) {
      notes.push(`restarts jail ${news.name}: ${restarting.map((c) => c.name).join(", ")} cannot be changed on a running jail`);
    }
  }
  return notes;
}
