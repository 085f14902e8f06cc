import { z } from "zod";
import {
  checkInterfaceAddress, checkInterfaceName, checkMac, maxInterfaceName, parseInterfaceAddress,
} from "../../freebsd/interface-names.ts";
import { checkDescription } from "../../freebsd/ifconfig-commands.ts";
import { checkSysrcValue } from "../../freebsd/sysrc.ts";

// Inputs and outputs of freebsd:network:Epair.

const epairShape = {
  name: z
    .string()
    .describe(
      "The epair's name (at most 14 characters: lower-case letters, digits, `_`). Its host end is NAMEa and its jail end " +
        "NAMEb, live and at boot (`ifconfig_epairNa_name`); a name of the form `epairN` is used as it is (epairNa, epairNb). " +
        "Changing it replaces the epair.",
    ),
  bridge: z.string().optional().describe("A bridge the host end joins (`ifconfig BRIDGE addm NAMEa`, and `addm NAMEa` in its ifconfig_BRIDGE)."),
  hostAddresses: z
    .array(z.string())
    .default([])
    .describe("Addresses of the host end with their prefix length, IPv4 or IPv6, e.g. `192.0.2.1/24`."),
  description: z.string().optional().describe("The description of the host end (`ifconfig NAMEa description`)."),
  up: z
    .boolean()
    .default(true)
    .describe("Whether the host end is up. The jail end is brought up when the pair is made; after that its state is the jail's."),
  mtu: z.number().int().min(72).max(65535).optional().describe("The MTU of both ends; a bridge member must have the bridge's."),
  hostEther: z
    .string()
    .optional()
    .describe("The host end's MAC address. Unset, a stable address derived from the name: 02, four bytes of SHA-256 of the name, 0a."),
  jailEther: z
    .string()
    .optional()
    .describe("The jail end's MAC address. Unset, a stable address derived from the name: 02, four bytes of SHA-256 of the name, 0b."),
  persist: z
    .boolean()
    .default(true)
    .describe(
      "Keep the epair in rc.conf (cloned_interfaces, the ends' names, MACs and settings) so rc.d/netif makes it again at " +
        "boot, before rc.d/jail moves the jail end into its jail. Reads false when rc.conf says something else.",
    ),
};

/** The host and jail ends of an epair name. */
export function endsOf(name: string): { host: string; jail: string } {
  return { host: `${name}a`, jail: `${name}b` };
}

export const epairInputs = z.strictObject(epairShape).superRefine((inputs, ctx) => {
  const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const nameRule = checkInterfaceName(inputs.name, "epair", maxInterfaceName - 1);
  if (nameRule) {
    fail(["name"], inputs.name.length > maxInterfaceName - 1
      ? `${nameRule}: its ends ${inputs.name}a and ${inputs.name}b must fit in ${maxInterfaceName} characters`
      : nameRule);
  }
  const { host, jail } = endsOf(inputs.name);
  if (inputs.bridge !== undefined && [inputs.name, host, jail].includes(inputs.bridge)) {
    fail(["bridge"], `names the epair itself (${inputs.bridge}); a bridge is another interface`);
  } else if (inputs.bridge !== undefined && !/^[a-z][a-z0-9_]{0,14}$/.test(inputs.bridge)) {
    fail(["bridge"], `must be a bridge's interface name (at most ${maxInterfaceName} lower-case letters, digits, '_')`);
  }
  const seen = new Set<string>();
  for (const [i, address] of inputs.hostAddresses.entries()) {
    const rule = checkInterfaceAddress(address);
    const parsed = parseInterfaceAddress(address);
    if (rule) fail(["hostAddresses", i], rule);
    else if (seen.has(parsed!.addr)) fail(["hostAddresses", i], "is listed twice (an address can be on an interface once)");
    if (parsed) seen.add(parsed.addr);
  }
  for (const key of ["hostEther", "jailEther"] as const) {
    const value = inputs[key];
    const rule = value === undefined ? undefined : checkMac(value);
    if (rule) fail([key], rule);
  }
  if (inputs.hostEther !== undefined && inputs.jailEther !== undefined && inputs.hostEther.toLowerCase() === inputs.jailEther.toLowerCase()) {
    fail(["jailEther"], "must differ from hostEther: the two ends are on one link");
  }
  if (inputs.description !== undefined) {
    const rule = checkSysrcValue(inputs.description);
    const length = checkDescription(inputs.description);
    if (length) fail(["description"], length);
    else if (rule) fail(["description"], `${rule} (it is kept in ifconfig_${host}_descr)`);
  }
  if (!inputs.up && inputs.hostAddresses.some((a) => parseInterfaceAddress(a)?.family === "inet")) {
    fail(["up"], "cannot be false with IPv4 addresses: adding one brings the interface up (ether_ioctl SIOCSIFADDR sets IFF_UP)");
  }
});

export type EpairInputs = z.output<typeof epairInputs>;

export const epairOutputs = z.object({
  ...epairShape,
  hostInterface: z.string().describe("The host end's interface name (NAMEa)."),
  jailInterface: z.string().describe("The jail end's interface name (NAMEb): what a VNET Jail's `vnetInterfaces` takes."),
  hostEtherAddress: z.string().describe("The host end's MAC address as the kernel has it (empty while it does not exist)."),
  jailEtherAddress: z.string().describe("The jail end's MAC address as the kernel has it (empty when it cannot be seen)."),
  jailInterfaceLocation: z
    .enum(["host", "jail", "unknown", "absent"])
    .describe("Where the jail end is: on the host, in a VNET jail, in a jail that could not be looked into, or nowhere."),
  jailInterfaceJail: z.string().optional().describe("The VNET jail whose vnet holds the jail end, when it is in one."),
  rcConf: z.record(z.string(), z.string()).describe("The rc.conf variables that make the epair at boot, as rc.conf holds them."),
});

export type EpairOutputs = z.output<typeof epairOutputs>;
