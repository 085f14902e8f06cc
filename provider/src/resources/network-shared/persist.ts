import type { Command } from "../../core/command.ts";
import { locked } from "../../freebsd/files.ts";
import { sysrcAppend, sysrcApplyChecked, sysrcRemove, type CheckedChange } from "../../freebsd/sysrc.ts";
import type { RcVars } from "../../freebsd/netif-conf.ts";

// Writing rc.conf the way an administrator would, with sysrc: cloned_interfaces words added and
// removed with `+=`/`-=` under the host lock, an epair's `addm` word in a bridge's ifconfig_IF edited
// alone under the lock (sysrcMemberEdit), and every other variable written only while it still holds
// what the plan read (sysrcApplyChecked), so concurrent writers of a shared variable (the bridge's
// whole line, and the epairs' words in it) never lose each other's words.

/** Checked changes that bring the variables in `desired` (undefined: absent) from `vars` to it. */
export function variableChanges(vars: RcVars, desired: ReadonlyMap<string, string | undefined>): CheckedChange[] {
  const changes: CheckedChange[] = [];
  for (const [name, value] of desired) {
    const now = vars.get(name);
    if (now !== value) changes.push({ name, expect: now, value });
  }
  return changes;
}

/** The command writing checked changes, if there are any. */
export function writeVariables(changes: readonly CheckedChange[]): Command[] {
  return changes.length > 0 ? [sysrcApplyChecked(changes)] : [];
}

/** `sysrc cloned_interfaces+=WORD` under the host lock, unless the word is there. */
export function addClonedWord(words: readonly string[], word: string): Command[] {
  return words.includes(word) ? [] : [locked(sysrcAppend("cloned_interfaces", word))];
}

/** `sysrc cloned_interfaces-=WORD` under the host lock, when the word is there. */
export function removeClonedWord(words: readonly string[], word: string | undefined): Command[] {
  return word !== undefined && words.includes(word) ? [locked(sysrcRemove("cloned_interfaces", word))] : [];
}

/** Whether every variable in `desired` holds its value in `vars`. */
export function variablesMatch(vars: RcVars, desired: ReadonlyMap<string, string | undefined>): boolean {
  return [...desired].every(([name, value]) => vars.get(name) === value);
}
