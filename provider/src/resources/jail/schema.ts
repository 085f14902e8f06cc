import { z } from "zod";
import { checkCpuList } from "../../freebsd/cpuset.ts";
import { checkJailName, checkJailParameter, checkJailParameterName } from "../../freebsd/jail-checks.ts";
import { checkDatasetName } from "../../freebsd/zfs-names.ts";
import { inputPathOfParam, jailParamsOf } from "./params.ts";

// Inputs and outputs of freebsd:jail:Jail.

const jailsys = z.enum(["new", "inherit", "disable"]).meta({ pulumiType: "freebsd:jail:SysvIpc" });
const scalar = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

const jailShape = {
    name: z.string().describe("The jail's name (letters, digits, `_`, `-`). Changing it replaces the jail."),
    path: z.string().describe("The jail's root directory, usually a Dataset's mountpoint. Changing it restarts the jail."),
    hostname: z.string().optional().describe("`host.hostname` inside the jail; changed live."),
    ip4: z.array(z.string()).optional().describe("IPv4 addresses of a shared-stack jail (`addr`, `addr/prefix` or `iface|addr/prefix`)."),
    ip6: z.array(z.string()).optional().describe("IPv6 addresses of a shared-stack jail."),
    vnet: z.boolean().default(false).describe("Give the jail its own network stack (VNET). Changing it restarts the jail."),
    vnetInterfaces: z.array(z.string()).optional().describe("Interfaces moved into a VNET jail at start (epair b sides)."),
    allow: z
      .record(z.string(), z.boolean())
      .optional()
      .describe("`allow.*` permissions by name without the prefix, e.g. `{ raw_sockets: true, \"mount.zfs\": true }`; changed live."),
    enforceStatfs: z.number().int().min(0).max(2).optional().describe("`enforce_statfs` (0–2); changed live."),
    securelevel: z.number().int().min(-1).max(3).optional().describe("`securelevel` (-1–3); changed live."),
    devfsRuleset: z.number().int().min(0).max(65535).optional().describe("`devfs_ruleset`; changed live."),
    childrenMax: z.number().int().min(0).optional().describe("`children.max`; changed live."),
    sysvmsg: jailsys.optional().describe("System V message queues: `new`, `inherit` or `disable`; changed live."),
    sysvsem: jailsys.optional().describe("System V semaphores: `new`, `inherit` or `disable`; changed live."),
    sysvshm: jailsys.optional().describe("System V shared memory: `new`, `inherit` or `disable`; changed live."),
    mountDevfs: z.boolean().optional().describe("Mount devfs at `path/dev` (`mount.devfs`). Changing it restarts the jail."),
    mountFstab: z.string().optional().describe("An fstab file mounted at start (`mount.fstab`). Changing it restarts the jail."),
    exec: z
      .strictObject({
        prestart: z.string().optional().describe("`exec.prestart`: run on the host before the jail is created."),
        created: z.string().optional().describe("`exec.created`: run on the host once the jail exists."),
        start: z.string().optional().describe("`exec.start`: run inside the jail, e.g. `/bin/sh /etc/rc`."),
        stop: z.string().optional().describe("`exec.stop`: run inside the jail before it is removed, e.g. `/bin/sh /etc/rc.shutdown`."),
        poststop: z.string().optional().describe("`exec.poststop`: run on the host after the jail is removed."),
        consolelog: z.string().optional().describe("`exec.consolelog`: file the commands' output is written to."),
      })
      .optional()
      .describe("Commands jail(8) runs around the jail's life; start commands restart the jail when changed.")
      .meta({ pulumiType: "freebsd:jail:JailExec" }),
    cpus: z
      .string()
      .optional()
      .describe(
        "The CPUs the jail's processes may run on, as a cpuset(1) list such as `0-3` or `2,4`: set live with " +
          "`cpuset -l LIST -j JID`, and at every start by the jail's file (exec.created). Without it the jail uses every CPU.",
      ),
    persist: z.boolean().default(true).describe("Keep the jail without processes (`persist`)."),
    osrelease: z.string().optional().describe("The release the jail reports (`osrelease`). Changing it restarts the jail."),
    datasets: z
      .array(z.string())
      .optional()
      .describe(
        "ZFS datasets delegated to the jail: the provider sets `jailed=on` on them, allows mounting ZFS in the jail and " +
          "attaches them with `zfs jail` each time the jail starts.",
      ),
    parameters: z
      .record(z.string(), scalar)
      .optional()
      .describe("Any other jail(8) parameter by its jail.conf name, e.g. `{ \"allow.mlock\": true, \"exec.clean\": true }`."),
    running: z.boolean().default(true).describe("Whether the jail runs. False stops it and keeps its configuration."),
    autostart: z.boolean().default(true).describe("Start the jail at boot (`jail_enable` and `jail_list` in rc.conf)."),
};

export const jailInputs = z
  .strictObject(jailShape)
  .superRefine((inputs, ctx) => {
    let failed = false;
    const fail = (path: (string | number)[], message: string) => {
      failed = true;
      ctx.addIssue({ code: "custom", path, message });
    };
    const nameRule = checkJailName(inputs.name);
    if (nameRule) fail(["name"], nameRule);
    if (!inputs.path.startsWith("/")) fail(["path"], "must be an absolute path");
    if (inputs.vnet && (inputs.ip4?.length || inputs.ip6?.length)) {
      fail(["ip4"], "a VNET jail has its own network stack: configure its addresses inside the jail, not with ip4/ip6");
    }
    if (!inputs.vnet && inputs.vnetInterfaces?.length) fail(["vnetInterfaces"], "needs vnet: true");
    if (inputs.cpus !== undefined) {
      const rule = checkCpuList(inputs.cpus);
      if (rule) fail(["cpus"], rule);
    }
    for (const [i, ifname] of (inputs.vnetInterfaces ?? []).entries()) {
      if (!/^[a-z][a-z0-9_.]{0,14}$/.test(ifname)) fail(["vnetInterfaces", i], "must be an interface name of at most 15 characters");
    }
    for (const [i, ds] of (inputs.datasets ?? []).entries()) {
      const rule = checkDatasetName(ds);
      if (rule) fail(["datasets", i], rule);
    }
    for (const key of Object.keys(inputs.allow ?? {})) {
      const rule = checkJailParameterName(`allow.${key}`);
      if (rule) fail(["allow", key], rule);
    }
    for (const [key, value] of Object.entries(inputs.parameters ?? {})) {
      const rule = checkJailParameter(key, value);
      if (rule) fail(["parameters", key], rule);
    }
    if (failed) return;
    // Every value as it will be written, checked against jail(8)'s parameter list and types.
    for (const [name, value] of jailParamsOf(inputs)) {
      const rule = checkJailParameter(name, value);
      // Named by the input that made it (ip4[0], exec.consolelog), so the engine shows it at that input.
      if (rule) fail(inputPathOfParam(name, inputs, (v) => checkJailParameter(name, v) !== undefined), rule);
    }
  });

export type JailInputs = z.output<typeof jailInputs>;

export const jailOutputs = z.object({
  ...jailShape,
  jid: z.number().optional().describe("The jail's id while it runs."),
  live: z
    .record(z.string(), scalar)
    .describe("Every parameter of the running jail as jls(8) reports it (empty while stopped)."),
  configFile: z.string().describe("The file the jail is defined in: /etc/jail.conf.d/NAME.conf, or /etc/jail.conf until its first change."),
  config: z.string().describe("The jail's definition as written in that file."),
});

export type JailOutputs = z.output<typeof jailOutputs>;
