import type { Command } from "../../core/command.ts";
import { removeFile, writeFile } from "../../freebsd/files.ts";
import type { IfStatus } from "../../freebsd/ifconfig-output.ts";
import { isBridge, isEpair } from "../../freebsd/ifconfig-output.ts";
import { bootNames } from "../../freebsd/netif-conf.ts";
import { jailHolding } from "../../freebsd/vnet-interfaces.ts";
import type { HostView } from "../../inventory/view.ts";
import { hostInterfaces, interfaceMarkers, markerDirectory, netifVars, vnetJails } from "../../sections/network.ts";

// Which interface is whose. The kernel keeps nothing an interface could be marked with that survives
// a reboot, so the provider writes the URN of the resource that created an interface into
// /var/db/pulumi-freebsd/interfaces/NAME (first, before the interface exists, so a create whose answer
// was lost finds its own interface next time) and removes it last when the resource is deleted.

/** The marker file of an interface name. */
export function markerPath(ifname: string): string {
  return `${markerDirectory}/${ifname}`;
}

/** Writes the marker of `ifname` for `urn`; it must not exist yet unless it already says `urn`. */
export function writeMarker(view: HostView, ifname: string, urn: string): Command[] {
  const now = view.get(interfaceMarkers).get(ifname);
  if (now === urn) return [];
  return [writeFile(markerPath(ifname), `${urn}\n`, now === undefined ? null : `${now}\n`)];
}

/** Removes the marker of `ifname` (a marker already gone is fine). */
export function removeMarker(view: HostView, ifname: string): Command[] {
  return view.get(interfaceMarkers).has(ifname) ? [removeFile(markerPath(ifname))] : [];
}

/** The URN the marker of `ifname` names, if any. */
export function markerOf(view: HostView, ifname: string): string | undefined {
  return view.get(interfaceMarkers).get(ifname);
}

/** The resource type token inside a URN (`urn:pulumi:stack::proj::freebsd:network:Epair::web`). */
export function typeOfUrn(urn: string): string | undefined {
  return urn.split("::")[2]?.split("$").pop();
}

/** Whether `ifname` is the host end of an epair some freebsd:network:Epair created (its marker says so). */
export function isManagedEpairEnd(view: HostView, ifname: string): boolean {
  const urn = markerOf(view, ifname);
  return urn !== undefined && typeOfUrn(urn) === "freebsd:network:Epair";
}

/** What the host has under an interface name, for messages; undefined when nothing. */
export function describeName(view: HostView, ifname: string): string | undefined {
  const live: IfStatus | undefined = view.get(hostInterfaces).get(ifname);
  if (live) return `an interface ${ifname} (${isBridge(live) ? "a bridge" : isEpair(live) ? "an epair end" : live.groups[0] ?? "not cloned"})`;
  const jail = jailHolding(view.get(vnetJails), ifname);
  if (jail) return `an interface ${ifname} in the vnet of jail ${jail.name}`;
  const word = bootNames(view.get(netifVars)).get(ifname);
  if (word) return `an interface ${ifname} that rc.d/netif makes at boot (cloned_interfaces word ${word} in rc.conf)`;
  return undefined;
}

/**
 * Whose the interface names of a create are: absent (nothing of any of those names on the host), this
 * resource's (every marker of them names `urn`), or someone else's, with why.
 */
export function claimNames(
  view: HostView, names: readonly string[], markerName: string, urn: string, token: string, id: string,
): { kind: "absent" } | { kind: "own" } | { kind: "other"; why: string } {
  const marker = markerOf(view, markerName);
  const found = names.map((n) => describeName(view, n)).filter((d): d is string => d !== undefined);
  if (marker === undefined && found.length === 0) return { kind: "absent" };
  if (marker === urn) return { kind: "own" };
  const whose = marker === undefined ? "not created by this resource" : `created by ${marker}`;
  return {
    kind: "other",
    why: `${view.host} already has ${found.length > 0 ? found.join(" and ") : `a marker for ${markerName}`} (${whose}); ` +
      `choose another name, or to manage it, import it: pulumi import ${token} <resource-name> ${id}`,
  };
}
