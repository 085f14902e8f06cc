import { z } from "zod";

// The provider's configuration: one provider instance manages one host.

export const becomeModes = ["none", "sudo", "doas"] as const;

/** Provider configuration as checked; every field documented for schema.json. */
export const providerConfigSchema = z.object({
  host: z.string().min(1).describe("Address or DNS name of the FreeBSD host to manage over SSH."),
  port: z.number().int().min(1).max(65535).default(22).describe("SSH port of the host."),
  user: z.string().min(1).default("root").describe("SSH user. Use `become` when it is not root."),
  privateKey: z.string().optional().describe("PEM or OpenSSH private key used to log in (secret)."),
  privateKeyPassphrase: z.string().optional().describe("Passphrase of `privateKey` (secret)."),
  password: z.string().optional().describe("Password to log in with when no key is given (secret)."),
  agent: z.string().optional().describe("Path of an SSH agent socket; defaults to `SSH_AUTH_SOCK`."),
  hostKey: z
    .string()
    .optional()
    .describe("The host's pinned public key (`ssh-ed25519 AAAA...`) or its `SHA256:` fingerprint."),
  knownHostsFile: z.string().optional().describe("OpenSSH known_hosts file to verify the host key against."),
  insecureIgnoreHostKey: z
    .boolean()
    .default(false)
    .describe("Skip host key verification. Only for throwaway test hosts."),
  become: z
    .enum(becomeModes)
    .meta({ pulumiType: "freebsd:index:Become" })
    .default("none")
    .describe("Run commands through `sudo` or `doas` (non-interactive) when `user` is not root."),
  connectTimeout: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe("Seconds to wait for the SSH connection and its handshake."),
  maxSessions: z
    .number()
    .int()
    .min(1)
    .max(9)
    .default(8)
    .describe("Most SSH exec channels open at once on the connection; below OpenSSH's MaxSessions of 10."),
});

export type ProviderConfig = z.output<typeof providerConfigSchema>;

/** Config keys whose values are secret. */
export const secretConfigKeys: readonly string[] = ["privateKey", "privateKeyPassphrase", "password"];

/** Environment variables that supply a config value the stack does not set. */
export const configEnvironment: Readonly<Record<string, readonly string[]>> = {
  host: ["FREEBSD_HOST"],
  port: ["FREEBSD_PORT"],
  user: ["FREEBSD_USER"],
  privateKey: ["FREEBSD_PRIVATE_KEY"],
  privateKeyPassphrase: ["FREEBSD_PRIVATE_KEY_PASSPHRASE"],
  password: ["FREEBSD_PASSWORD"],
  agent: ["FREEBSD_AGENT", "SSH_AUTH_SOCK"],
  hostKey: ["FREEBSD_HOST_KEY"],
  knownHostsFile: ["FREEBSD_KNOWN_HOSTS_FILE"],
  insecureIgnoreHostKey: ["FREEBSD_INSECURE_IGNORE_HOST_KEY"],
  become: ["FREEBSD_BECOME"],
  connectTimeout: ["FREEBSD_CONNECT_TIMEOUT"],
  maxSessions: ["FREEBSD_MAX_SESSIONS"],
};
