import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

// Host key verification: a pinned key or fingerprint, or an OpenSSH known_hosts file.

/** OpenSSH's fingerprint of a raw public key blob: "SHA256:" + unpadded base64 of its SHA-256. */
export function fingerprintOf(keyBlob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "");
}

/** Turns a pinned `hostKey` (public key line or fingerprint) into the fingerprint it stands for. */
export function pinnedFingerprint(hostKey: string): string {
  const text = hostKey.trim();
  if (text.startsWith("SHA256:")) return text.replace(/=+$/, "");
  const blob = text.split(/\s+/).find((part) => part.startsWith("AAAA"));
  if (!blob) throw new Error("hostKey must be a public key line (`ssh-ed25519 AAAA...`) or a `SHA256:` fingerprint");
  return fingerprintOf(Buffer.from(blob, "base64"));
}

/** The known_hosts name of a host: `host`, or `[host]:port` off port 22. */
function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** True when one known_hosts host pattern (plain or `|1|salt|hash`) names this host. */
function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith("|1|")) {
    const [, , salt, hash] = pattern.split("|");
    if (!salt || !hash) return false;
    const mac = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
    return mac === hash;
  }
  return pattern === name;
}

/** Fingerprints of the keys a known_hosts file lists for this host (revoked and CA lines skipped). */
export function knownHostFingerprints(file: string, host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  const found: string[] = [];
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith("@")) continue;
    const [hosts, , blob] = line.split(/\s+/);
    if (!hosts || !blob) continue;
    const patterns = hosts.split(",");
    if (patterns.some((p) => p.startsWith("!") && patternMatches(p.slice(1), name))) continue;
    if (patterns.some((p) => patternMatches(p, name))) found.push(fingerprintOf(Buffer.from(blob, "base64")));
  }
  return found;
}

/** The outcome of checking a presented host key. */
export type HostKeyVerdict = { ok: true } | { ok: false; reason: string };

/** Whose key is checked, for the messages: the managed host, or the bastion in front of it. */
export type HostKeyRole = "host" | "bastion";

/** Checks a presented key against the configured pin or known_hosts file; a refusal names both fingerprints. */
export function verifyHostKey(
  presented: Buffer,
  target: { host: string; port: number; hostKey?: string; knownHostsFile?: string; insecureIgnoreHostKey: boolean },
  role: HostKeyRole = "host",
): HostKeyVerdict {
  if (target.insecureIgnoreHostKey) return { ok: true };
  const got = fingerprintOf(presented);
  const where = `${role === "bastion" ? "the bastion " : ""}${target.host}:${target.port}`;
  const who = role === "bastion" ? "the bastion" : "the host";
  const setting = role === "bastion" ? "freebsd:proxy." : "freebsd:";
  if (target.hostKey) {
    const want = pinnedFingerprint(target.hostKey);
    if (want === got) return { ok: true };
    return {
      ok: false,
      reason: `host key mismatch for ${where}: expected ${want} (${setting}hostKey), ${who} presented ${got}`,
    };
  }
  if (target.knownHostsFile) {
    const known = knownHostFingerprints(target.knownHostsFile, target.host, target.port);
    if (known.includes(got)) return { ok: true };
    if (known.length > 0) {
      return {
        ok: false,
        reason: `host key mismatch for ${where}: ${target.knownHostsFile} expects ${known.join(", ")}, ${who} presented ${got}`,
      };
    }
    return { ok: false, reason: `host key of ${where} (${got}) is not in ${target.knownHostsFile}` };
  }
  return {
    ok: false,
    reason:
      `host key of ${where} is unknown (${got}): set ${setting}hostKey to it, or ${setting}knownHostsFile ` +
      `to a known_hosts file that lists it`,
  };
}
