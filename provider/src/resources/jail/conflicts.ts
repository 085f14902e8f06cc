import { RefusedError } from "../../core/errors.ts";
import type { HostView } from "../../inventory/view.ts";
import { jailFiles } from "../../sections/jails.ts";
import { jailConfPath, mainJailConf, perJailConfPath } from "./paths.ts";
import type { JailRecord } from "./read.ts";

// A jail is managed from one definition. rc.d/jail takes the first of /etc/jail.NAME.conf,
// /etc/jail.conf.d/NAME.conf and /etc/jail.conf that it can read (libexec/rc/rc.d/jail parse_options),
// so a second definition would silently override, or be overridden by, the managed one.

/** True when the jail's definition is the provider's own file, written for the resource with this URN. */
export function isOurs(record: JailRecord, urn: string | undefined): boolean {
  const first = record.definitions[0];
  return urn !== undefined && first !== undefined && first.file === jailConfPath(record.name) && first.urn === urn;
}

/**
 * The provider's own move out of /etc/jail.conf, interrupted after it wrote the jail's new file: the
 * file carries this resource's URN and the old block is still in /etc/jail.conf. An update or a delete
 * finishes it (rc.d/jail already reads the new file first).
 */
export function isInterruptedMove(record: JailRecord, urn: string | undefined): boolean {
  return record.definitions.length === 2 && isOurs(record, urn) && record.definitions[1]!.file === mainJailConf;
}

/** Why the jail cannot be managed as the host defines it, or undefined when it can. */
export function definitionConflict(view: HostView, name: string, record: JailRecord | undefined, urn: string | undefined): string | undefined {
  const perJail = perJailConfPath(name);
  const files = record?.definitions.map((d) => d.file) ?? [];
  if (view.get(jailFiles).has(perJail) && !files.includes(perJail)) {
    // rc.d/jail uses a readable jail.NAME.conf whatever it holds: `jail -f FILE -c NAME` then fails.
    return `${perJail} exists but does not define jail ${name}; rc.d/jail reads it before ${files[0] ?? jailConfPath(name)}, ` +
      `so the jail could not be started: remove it, or define the jail there alone`;
  }
  if (!record || files.length < 2 || isInterruptedMove(record, urn)) return undefined;
  return `jail ${name} is defined in two places, ${files.join(" and ")} (rc.d/jail uses ${files[0]}); ` +
    `remove all but one of them before managing it with Pulumi`;
}

/** Throws RefusedError when the jail cannot be managed as the host defines it. */
export function refuseConflicts(view: HostView, name: string, record: JailRecord | undefined, urn: string | undefined): void {
  const conflict = definitionConflict(view, name, record, urn);
  if (conflict) throw new RefusedError(`${view.host}: ${conflict}`);
}
