// SSH keys of a simulated host: its persistent ed25519 host key, and a client key authorized for root.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ssh2 from "ssh2";

export interface HostKeys {
  hostPrivateKey: string;
  /** "ssh-ed25519 AAAA..." */
  hostPublicKey: string;
  /** "SHA256:<base64 without padding>", as ssh-keygen -l prints it. */
  hostKeyFingerprint: string;
  clientPrivateKey: string;
  clientPublicKey: string;
  authorizedKeysFile: string;
}

/** A fresh ed25519 key pair in OpenSSH format (private key, "ssh-ed25519 AAAA... comment" line). */
export function generateEd25519(comment: string): { private: string; public: string } {
  // ssh2's generator yields a key its own parser rejects ("Malformed OpenSSH private key") about
  // once in 300 tries; generate until the pair parses.
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync("ed25519", { comment });
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) && !(ssh2.utils.parseKey(pair.public) instanceof Error)) {
      return { private: pair.private, public: pair.public.trim() };
    }
  }
}

/** OpenSSH's SHA256 fingerprint of a public key line. */
export function fingerprint(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? "", "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

function ensurePair(dir: string, base: string, comment: string): { private: string; public: string } {
  const priv = join(dir, base);
  const pub = `${priv}.pub`;
  const usable = existsSync(priv) && existsSync(pub) && !(ssh2.utils.parseKey(readFileSync(priv, "utf8")) instanceof Error);
  if (!usable) {
    const pair = generateEd25519(comment);
    writeFileSync(priv, pair.private, { mode: 0o600 });
    writeFileSync(pub, pair.public + "\n");
  }
  return { private: readFileSync(priv, "utf8"), public: readFileSync(pub, "utf8").trim() };
}

/** Loads the host's keys, generating them on first use; the client key is added to authorized_keys. */
export function ensureKeys(sshDir: string): HostKeys {
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  const host = ensurePair(sshDir, "ssh_host_ed25519_key", "root@freebsd-sim");
  const client = ensurePair(sshDir, "client_ed25519", "pulumi-freebsd-tests");
  const authorizedKeysFile = join(sshDir, "authorized_keys");
  const current = existsSync(authorizedKeysFile) ? readFileSync(authorizedKeysFile, "utf8") : "";
  if (!current.includes(client.public)) writeFileSync(authorizedKeysFile, current + client.public + "\n");
  return {
    hostPrivateKey: host.private,
    hostPublicKey: host.public.split(/\s+/).slice(0, 2).join(" "),
    hostKeyFingerprint: fingerprint(host.public),
    clientPrivateKey: client.private,
    clientPublicKey: client.public,
    authorizedKeysFile,
  };
}

/** Public keys accepted for root: every key line of the authorized_keys file(s). */
export function readAuthorizedKeys(files: string[]): ssh2.ParsedKey[] {
  const keys: ssh2.ParsedKey[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith("#")) continue;
      const parsed = ssh2.utils.parseKey(trimmed);
      if (!(parsed instanceof Error)) keys.push(Array.isArray(parsed) ? parsed[0]! : parsed);
    }
  }
  return keys;
}
