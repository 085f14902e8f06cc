import type { Command } from "../../core/command.ts";
import { RefusedError } from "../../core/errors.ts";
import type { HostView } from "../../inventory/view.ts";
import { datasets } from "../../sections/zfs.ts";
import { zfsInherit, zfsMount, zfsSet } from "../../freebsd/zfs-commands.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import { resetValues } from "../../freebsd/zfs-names.ts";
import { nativeProperties } from "../../freebsd/zfs-properties.ts";
import { formatSize, parseSize, sameValue } from "../../freebsd/zfs-values.ts";
import { managedProperties, parentOf } from "./inputs.ts";
import type { DatasetInputs } from "./schema.ts";

// The in-place part of every plan: from what the host has (never from what old inputs said, which a
// half-done update leaves behind), the `zfs set`/`zfs inherit` that bring a dataset to its inputs.

/** True for a filesystem that zfs would mount but that is not mounted. */
function shouldBeMounted(record: DatasetRecord): boolean {
  const value = (prop: string) => record.properties[prop]?.value;
  return (
    value("type") === "filesystem" && value("mounted") === "no" && value("canmount") === "on" &&
    value("jailed") !== "on" && (value("mountpoint") ?? "").startsWith("/")
  );
}

/** Whether zfs takes the property only at creation (`zfs set` refuses it as read-only). */
function createOnly(prop: string): boolean {
  return nativeProperties[prop]?.settable === "create";
}

/** Refuses to shrink a volume (its data past the new end is lost) unless the inputs allow losing data. */
function checkShrink(view: HostView, record: DatasetRecord, news: DatasetInputs): void {
  const host = Number(record.properties["volsize"]?.value ?? "0");
  const wanted = news.volsize === undefined ? undefined : parseSize(news.volsize);
  if (wanted === undefined || wanted >= host || news.forceDestroy) return;
  throw new RefusedError(
    `refusing to shrink volume ${record.name} on ${view.host} from ${formatSize(host)} to ${news.volsize}: ` +
      `the data past the new size is lost; nothing was changed. Set forceDestroy: true to allow it`,
  );
}

/** Commands that bring the dataset `record` (to be named `news.name`) to the new inputs in place. */
export function planConverge(record: DatasetRecord, news: DatasetInputs, view: HostView): Command[] {
  const commands: Command[] = [];
  const isLocal = (prop: string, value: string) => {
    const pv = record.properties[prop];
    return pv !== undefined && pv.source === "local" && sameValue(prop, value, pv.value);
  };
  const sets: Record<string, string> = {};
  // Create-only properties were given to `zfs create`; a change of one replaces the dataset instead.
  for (const [prop, value] of Object.entries(news.properties)) if (!createOnly(prop) && !isLocal(prop, value)) sets[prop] = value;
  if (news.volsize !== undefined && !isLocal("volsize", news.volsize)) {
    checkShrink(view, record, news);
    sets["volsize"] = news.volsize;
  }
  if (Object.keys(sets).length > 0) commands.push(zfsSet(news.name, sets));
  // A filesystem that should be mounted but is not (a mount that failed at create) is mounted again;
  // a change of mountpoint or canmount makes `zfs set` do that itself (libzfs changelist_postfix).
  if (!("mountpoint" in sets) && !("canmount" in sets) && shouldBeMounted(record)) commands.push(zfsMount(news.name));
  // What the host has set locally and Read would count as the user's, but the inputs no longer say.
  const onHost = managedProperties(record, news.properties, view.get(datasets).get(parentOf(record.name)), news.cloneFrom !== undefined);
  for (const prop of Object.keys(onHost)) {
    if (prop in news.properties || createOnly(prop) || record.properties[prop]?.source !== "local") continue;
    const reset = resetValues[prop];
    const inheritable = prop.includes(":") || nativeProperties[prop]?.inheritable === true;
    if (inheritable) commands.push(zfsInherit(news.name, prop));
    else if (reset !== undefined) commands.push(zfsSet(news.name, { [prop]: reset }));
  }
  return commands;
}
