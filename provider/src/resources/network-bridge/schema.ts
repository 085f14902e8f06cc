import { z } from "zod";
import { checkInterfaceAddress, checkInterfaceName, maxInterfaceName, parseInterfaceAddress } from "../../freebsd/interface-names.ts";
import { checkDescription } from "../../freebsd/ifconfig-commands.ts";
import { checkSysrcValue } from "../../freebsd/sysrc.ts";

// Inputs and outputs of freebsd:network:Bridge.

const bridgeShape = {
  name: z
    .string()
    .describe(
      "The bridge's interface name (at most 15 characters: lower-case letters, digits, `_`), e.g. `lan0`. The kernel's " +
        "`bridgeN` is renamed to it, live and at boot (`ifconfig_bridgeN_name`); a name of the form `bridgeN` is used as it is. " +
        "Changing it replaces the bridge.",
    ),
  members: z
    .array(z.string())
    .default([])
    .describe(
      "Host interfaces the bridge holds, e.g. `em0`, `vtnet0`, or an epair's host end. Epair ends that join through their " +
        "Epair's `bridge` input need not be listed: they are reported in `epairMembers` and left to their Epair.",
    ),
  addresses: z
    .array(z.string())
    .default([])
    .describe("The bridge's own addresses with their prefix length, IPv4 or IPv6, e.g. `192.0.2.1/24`, `2001:db8::1/64`."),
  description: z.string().optional().describe("The interface description (`ifconfig NAME description`, `ifconfig_NAME_descr`)."),
  up: z
    .boolean()
    .default(true)
    .describe(
      "Whether the bridge is up. rc.d/netif brings up at boot every interface it configures, so a bridge with members, " +
        "an MTU or addresses comes back up after a reboot whatever this says; a refresh then shows it.",
    ),
  mtu: z
    .number()
    .int()
    .min(576)
    .max(65535)
    .optional()
    .describe("The MTU; if_bridge sets it on every member. Unset, the bridge takes its first member's."),
  persist: z
    .boolean()
    .default(true)
    .describe(
      "Keep the bridge in rc.conf (cloned_interfaces, ifconfig_NAME...) so rc.d/netif makes it again at boot exactly as " +
        "declared. Reads false when rc.conf says something else (edited by hand); `pulumi up` writes it again.",
    ),
};

export const bridgeInputs = z.strictObject(bridgeShape).superRefine((inputs, ctx) => {
  const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const nameRule = checkInterfaceName(inputs.name, "bridge");
  if (nameRule) fail(["name"], nameRule);
  const seen = new Set<string>();
  for (const [i, member] of inputs.members.entries()) {
    const rule = member === inputs.name ? "is the bridge itself" : seen.has(member) ? "is listed twice" : memberRule(member);
    if (rule) fail(["members", i], rule);
    seen.add(member);
  }
  const addresses = new Set<string>();
  for (const [i, address] of inputs.addresses.entries()) {
    const rule = checkInterfaceAddress(address);
    const parsed = parseInterfaceAddress(address);
    if (rule) fail(["addresses", i], rule);
    else if (addresses.has(parsed!.addr)) fail(["addresses", i], "is listed twice (an address can be on an interface once)");
    if (parsed) addresses.add(parsed.addr);
  }
  if (inputs.description !== undefined) {
    const rule = checkSysrcValue(inputs.description);
    const length = checkDescription(inputs.description);
    if (length) fail(["description"], length);
    else if (rule) fail(["description"], `${rule} (it is kept in ifconfig_${inputs.name}_descr)`);
  }
  if (!inputs.up && inputs.addresses.some((a) => parseInterfaceAddress(a)?.family === "inet")) {
    fail(["up"], "cannot be false with IPv4 addresses: adding one brings the interface up (ether_ioctl SIOCSIFADDR sets IFF_UP)");
  }
});

/** The rule a member interface name breaks, or undefined. */
function memberRule(member: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(member)) return "must be an interface name (letters, digits, '_', '.')";
  if (member.length > maxInterfaceName) return `must have at most ${maxInterfaceName} characters (IFNAMSIZ)`;
  return undefined;
}

export type BridgeInputs = z.output<typeof bridgeInputs>;

export const bridgeOutputs = z.object({
  ...bridgeShape,
  mtu: z.number().describe("The bridge's MTU."),
  epairMembers: z.array(z.string()).describe("Members that are the host ends of Epairs joining through their own `bridge` input."),
  ether: z.string().describe("The bridge's link-level address (empty while it does not exist)."),
  rcConf: z.record(z.string(), z.string()).describe("The rc.conf variables that make the bridge at boot, as rc.conf holds them."),
});

export type BridgeOutputs = z.output<typeof bridgeOutputs>;
