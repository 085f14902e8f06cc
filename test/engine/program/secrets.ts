// Secrets at rest, as Pulumi's passphrase secrets provider keeps them: AES-256-GCM under a key derived
// from PULUMI_CONFIG_PASSPHRASE and a per-stack salt with PBKDF2-SHA256 (1,000,000 rounds), ciphertext
// written "v1:<nonce>:<sealed>" in base64 (pkg/secrets/passphrase, sdk/go/common/resource/config/crypt.go).
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";

const ROUNDS = 1_000_000;
const keys = new Map<string, Buffer>();

/** Encrypts and decrypts the secret values of one stack. */
export interface Crypter {
  /** The salt to keep beside the state, "v1:<base64>". */
  readonly salt: string;
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

// A crypter for a passphrase and a salt (a new random salt when none is given).
export function passphraseCrypter(passphrase: string, salt?: string): Crypter {
  const saltText = salt ?? `v1:${randomBytes(8).toString("base64")}`;
  const cacheKey = `${saltText}\0${passphrase}`;
  let key = keys.get(cacheKey);
  if (key === undefined) {
    key = pbkdf2Sync(passphrase, Buffer.from(saltText.replace(/^v1:/, ""), "base64"), ROUNDS, 32, "sha256");
    keys.set(cacheKey, key);
  }
  const k = key;
  return {
    salt: saltText,
    encrypt(plaintext) {
      const nonce = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", k, nonce);
      const sealed = Buffer.concat([c.update(plaintext, "utf8"), c.final(), c.getAuthTag()]);
      return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
    },
    decrypt(ciphertext) {
      const [version, nonce, sealed] = ciphertext.split(":");
      if (version !== "v1" || nonce === undefined || sealed === undefined) throw new Error("state: a secret's ciphertext is not in the v1 format");
      const bytes = Buffer.from(sealed, "base64");
      const d = createDecipheriv("aes-256-gcm", k, Buffer.from(nonce, "base64"));
      d.setAuthTag(bytes.subarray(bytes.length - 16));
      try {
        return Buffer.concat([d.update(bytes.subarray(0, bytes.length - 16)), d.final()]).toString("utf8");
      } catch {
        throw new Error("state: incorrect passphrase (PULUMI_CONFIG_PASSPHRASE) for this stack's secrets");
      }
    },
  };
}
