import { z } from "zod";

// The provider's configuration: one provider instance manages one host, reached directly or through a
// bastion (`proxy`). The connection settings take pulumi-command's `remote.Connection` names as well
// (privateKeyPassword, agentSocketPath, perDialTimeout): each is an alias of this provider's own name,
// which is the one kept in the state; both set to different values is refused.

export const becomeModes = ["none", "sudo", "doas"] as const;

/** pulumi-command's names, each an alias of the canonical name it maps to. */
export const connectionAliases = {
  privateKeyPassword: "privateKeyPassphrase",
  agentSocketPath: "agent",
  perDialTimeout: "connectTimeout",
} as const;

type Alias = keyof typeof connectionAliases;
const aliasNames = Object.keys(connectionAliases) as Alias[];

const secret = { secret: true };
const aliasNote = (alias: Alias) =>
  `Alias of \`${connectionAliases[alias]}\` (pulumi-command's \`remote.Connection\` name). Set one of the two: both set to ` +
  `different values is refused; the state keeps \`${connectionAliases[alias]}\`.`;

/** The settings of one SSH connection, the same for the managed host and its bastion. */
function connectionShape(role: "host" | "bastion") {
  const the = role === "host" ? "the host" : "the bastion";
  return {
    host: z.string().min(1).describe(role === "host"
      ? "Address or DNS name of the FreeBSD host to manage over SSH."
      : "Address or DNS name of the bastion (jump host). The managed host's `host` is resolved and dialled by the bastion."),
    port: z.number().int().min(1).max(65535).default(22).describe(`SSH port of ${the}.`),
    user: z.string().min(1).default("root").describe(role === "host"
      ? "SSH user. Use `become` when it is not root."
      : "SSH user on the bastion; it needs no rights there beyond TCP forwarding."),
    privateKey: z.string().optional().meta(secret).describe(`PEM or OpenSSH private key used to log in to ${the} (secret).`),
    privateKeyPassphrase: z.string().optional().meta(secret).describe(`Passphrase of \`privateKey\` (secret).`),
    privateKeyPassword: z.string().optional().meta(secret).describe(`${aliasNote("privateKeyPassword")} (secret)`),
    password: z.string().optional().meta(secret).describe(`Password to log in to ${the} with when no key is given (secret).`),
    agent: z.string().optional().describe(
      "Path of an SSH agent socket. When not set, the provider reads `FREEBSD_AGENT`, then `SSH_AUTH_SOCK`, from its " +
        "environment each time it connects: that path is never recorded in the state, and a new shell's socket is no " +
        "change. A set path whose socket no longer exists gives way to the environment's.",
    ),
    agentSocketPath: z.string().optional().describe(aliasNote("agentSocketPath")),
    hostKey: z
      .string()
      .optional()
      .describe(`${role === "host" ? "The host's" : "The bastion's"} pinned public key (\`ssh-ed25519 AAAA...\`) or its \`SHA256:\` fingerprint.`),
    knownHostsFile: z.string().optional().describe(`OpenSSH known_hosts file to verify ${the}'s key against.`),
    insecureIgnoreHostKey: z
      .boolean()
      .default(false)
      .describe(`Skip verifying ${the}'s key. Only for throwaway test hosts.`),
    connectTimeout: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe(
        `Seconds each dial of ${the} may take: the TCP connection, the SSH handshake and the login. ` +
          "(pulumi-command's `perDialTimeout` is an alias; its 0, no limit, is refused: a dial that never ends would hang the update.)",
      ),
    perDialTimeout: z.number().int().min(1).optional().describe(aliasNote("perDialTimeout")),
    dialErrorLimit: z
      .number()
      .int()
      .min(-1)
      .default(10)
      .describe(
        `Failed dials of ${the} tolerated before giving up, as pulumi-command counts them: up to this many failures are ` +
          "retried, with a growing pause (0.1 s, x1.5, at most 5 s); -1 retries without limit. Only failures to reach " +
          "the SSH server are retried (refused, unreachable, timed out, closed during the handshake), never a host key " +
          "refusal or a failed login.",
      ),
  };
}

/** Aliases set beside their canonical name to a different value: the alias, and why (naming both, never the values). */
export function aliasConflicts(settings: Record<string, unknown>, prefix = "freebsd:"): { alias: string; message: string }[] {
  return aliasNames
    .filter((alias) => settings[alias] !== undefined && settings[connectionAliases[alias]] !== undefined
      && !sameValue(settings[alias], settings[connectionAliases[alias]]))
    .map((alias) => ({
      alias,
      message: `set beside ${prefix}${connectionAliases[alias]}, to a different value (${alias} is pulumi-command's name ` +
        `for ${connectionAliases[alias]}): set only one of them`,
    }));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The settings with every alias replaced by its canonical name (the value an alias carries wins only when the canonical one is absent). */
export function canonicalConnection<T extends Record<string, unknown>>(settings: T): T {
  if (!aliasNames.some((alias) => alias in settings)) return settings;
  const out: Record<string, unknown> = { ...settings };
  for (const alias of aliasNames) {
    if (!(alias in out)) continue;
    const value = out[alias];
    delete out[alias];
    if (value !== undefined && out[connectionAliases[alias]] === undefined) out[connectionAliases[alias]] = value;
  }
  return out as T;
}

/**
 * Reads settings as given, before any default is filled in (a default is no conflict): an alias set
 * beside its canonical name to a different value is an issue, any other alias moves to its canonical name.
 */
function canonicalSettings(prefix: string) {
  return (value: unknown, ctx: z.RefinementCtx): unknown => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const conflicts = aliasConflicts(value as Record<string, unknown>, prefix);
    for (const c of conflicts) ctx.addIssue({ code: "custom", path: [c.alias], message: c.message, input: value });
    return conflicts.length > 0 ? value : canonicalConnection(value as Record<string, unknown>);
  };
}

/** A settings object read with aliases (canonicalSettings), then checked. */
export function withAliases<T extends z.ZodType>(schema: T, prefix: string) {
  return z.preprocess(canonicalSettings(prefix), schema);
}

/** The bastion's settings, field by field (stack config may give each as text). */
export const proxyConfigShape = connectionShape("bastion");

/** The bastion (jump host): reached first, the managed host dialled through it. */
export const proxyConfigSchema = withAliases(z.strictObject(proxyConfigShape), "freebsd:proxy.")
  .describe(
    "A bastion (jump host) to reach the host through, as OpenSSH's ProxyJump: the provider logs in to the bastion first, " +
      "then opens the SSH connection to `host`:`port` through a TCP forwarding of the bastion (`direct-tcpip`), verifying " +
      "both host keys. The bastion must allow TCP forwarding (OpenSSH's AllowTcpForwarding, on by default). Its own " +
      "credentials, host key settings, `connectTimeout` and `dialErrorLimit`; its `privateKey`, passphrase and password " +
      "are secret.",
  )
  .meta({ pulumiType: "freebsd:index:Proxy" });

export type ProxyConfig = z.output<typeof proxyConfigSchema>;

/** The provider configuration's fields, as the schema and CheckConfig see them one by one. */
export const providerConfigShape = {
  ...connectionShape("host"),
  proxy: proxyConfigSchema.optional(),
  become: z
    .enum(becomeModes)
    .meta({ pulumiType: "freebsd:index:Become" })
    .default("none")
    .describe("Run commands through `sudo` or `doas` (non-interactive) when `user` is not root."),
  maxSessions: z
    .number()
    .int()
    .min(1)
    .max(9)
    .default(8)
    .describe("Most SSH exec channels open at once on the connection; below OpenSSH's MaxSessions of 10."),
};

/** Provider configuration as checked; every field documented for schema.json. */
export const providerConfigSchema = withAliases(z.object(providerConfigShape), "freebsd:");

export type ProviderConfig = z.output<typeof providerConfigSchema>;

/** Config keys whose values are secret. */
export const secretConfigKeys: readonly string[] = ["privateKey", "privateKeyPassphrase", "privateKeyPassword", "password"];

/** Paths of the config (and of a Replica's source) whose values are secret: the host's credentials and the bastion's. */
export const secretConfigPaths: readonly (readonly string[])[] = [
  ...secretConfigKeys.map((k) => [k]),
  ...secretConfigKeys.map((k) => ["proxy", k]),
];

/** Environment variables that supply a config value the stack does not set. */
export const configEnvironment: Readonly<Record<string, readonly string[]>> = {
  host: ["FREEBSD_HOST"],
  port: ["FREEBSD_PORT"],
  user: ["FREEBSD_USER"],
  privateKey: ["FREEBSD_PRIVATE_KEY"],
  privateKeyPassphrase: ["FREEBSD_PRIVATE_KEY_PASSPHRASE"],
  password: ["FREEBSD_PASSWORD"],
  hostKey: ["FREEBSD_HOST_KEY"],
  knownHostsFile: ["FREEBSD_KNOWN_HOSTS_FILE"],
  insecureIgnoreHostKey: ["FREEBSD_INSECURE_IGNORE_HOST_KEY"],
  become: ["FREEBSD_BECOME"],
  connectTimeout: ["FREEBSD_CONNECT_TIMEOUT"],
  dialErrorLimit: ["FREEBSD_DIAL_ERROR_LIMIT"],
  maxSessions: ["FREEBSD_MAX_SESSIONS"],
  // Read by the provider when it runs, never published as a default: an SDK would record the value in the state.
  proxy: ["FREEBSD_PROXY"],
};

/** Keys whose environment variables only the provider reads: left out of schema.json's defaults. */
export const runTimeOnlyEnvironment: readonly string[] = ["proxy"];

/** Where the SSH agent's socket comes from when `agent` is not set: read at each dial, never stored. */
export const agentEnvironment: readonly string[] = ["FREEBSD_AGENT", "SSH_AUTH_SOCK"];
