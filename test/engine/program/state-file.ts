// The program runner's stack state and its JSON file, laid out like a Pulumi checkpoint (version 3:
// checkpoint.latest.resources, the stack first, then providers, then resources in registration order)
// with every secret encrypted by the passphrase provider (secrets.ts); the file also keeps the stack's
// config, which the CLI keeps in Pulumi.<stack>.yaml.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ProviderState, ResourceState, StackState } from "../stack-types.ts";
import { isResourceRef, isSecret, isUnknown, isValueMap, resourceRef, secret, type Value, type ValueMap } from "../value-model.ts";
import { SIG } from "../wire.ts";
import type { StackConfig } from "./config.ts";
import { passphraseCrypter, type Crypter } from "./secrets.ts";

/** A component resource (the stack itself, or a ComponentResource of the program). */
export interface ComponentState {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  /** What the program registered with RegisterResourceOutputs (the stack's outputs, for the stack). */
  outputs: ValueMap;
  /** The providers it gives its children by package (its `providers` option; not kept in the file). */
  providers?: Record<string, string>;
}

/** Everything the runner keeps for a stack. */
export interface ProgramState {
  /** Custom resources and provider resources, in the harness's model. */
  stack: StackState;
  /** Component resources, the stack resource first. */
  components: ComponentState[];
  config: StackConfig;
}

// An empty stack.
export function emptyState(config: StackConfig = {}): ProgramState {
  return { stack: { provider: undefined, providers: [], resources: [] }, components: [], config };
}

// Loads a state file (an empty state when there is none).
export function loadState(file: string, passphrase: string): ProgramState {
  if (!existsSync(file)) return emptyState();
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const latest = doc.checkpoint?.latest ?? {};
  const salt = latest.secrets_providers?.state?.salt;
  const crypter = salt ? passphraseCrypter(passphrase, salt) : undefined;
  const read = (v: unknown): Value => fromJson(v, crypter);
  const state = emptyState(Object.fromEntries(Object.entries(doc.checkpoint?.config ?? {}).map(([k, v]) => [k, read(v) as StackConfig[string]])));
  for (const r of (latest.resources ?? []) as Record<string, any>[]) {
    const inputs = read(r["inputs"] ?? {}) as ValueMap;
    const outputs = read(r["outputs"] ?? {}) as ValueMap;
    if (!r["custom"]) {
      state.components.push({ urn: r["urn"], type: r["type"], name: nameOf(r["urn"]), ...(r["parent"] ? { parent: r["parent"] } : {}), outputs });
    } else if (String(r["type"]).startsWith("pulumi:providers:")) {
      state.stack.providers!.push({ urn: r["urn"], id: r["id"], inputs, outputs });
    } else {
      state.stack.resources.push({
        urn: r["urn"], name: nameOf(r["urn"]), type: r["type"], id: r["id"] ?? "", inputs, outputs, initErrors: r["initErrors"] ?? [],
        provider: r["provider"] ?? "", protect: r["protect"] ?? false, retainOnDelete: r["retainOnDelete"] ?? false,
        ignoreChanges: r["ignoreChanges"] ?? [],
        ...(r["parent"] ? { parent: r["parent"] } : {}),
        ...(r["dependencies"]?.length ? { dependencies: r["dependencies"] } : {}),
        ...(r["importID"] ? { importId: r["importID"] } : {}),
        ...(r["external"] ? { external: true } : {}),
        ...(r["pendingReplacement"] ? { pendingReplacement: true } : {}),
      });
    }
  }
  return state;
}

// Writes a state file atomically, secrets encrypted with the passphrase (the salt is kept or made).
export function saveState(file: string, state: ProgramState, passphrase: string, stackName: string, project: string): void {
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).checkpoint?.latest?.secrets_providers?.state?.salt : undefined;
  const crypter = passphraseCrypter(passphrase, previous);
  const write = (v: Value): unknown => toJson(v, crypter);
  const resources = [
    ...state.components.map((c) => ({ urn: c.urn, custom: false, type: c.type, outputs: write(c.outputs), ...(c.parent ? { parent: c.parent } : {}) })),
    ...(state.stack.providers ?? []).map((p: ProviderState) => ({ urn: p.urn, custom: true, id: p.id, type: typeOf(p.urn), inputs: write(p.inputs), outputs: write(p.outputs) })),
    ...state.stack.resources.map((r: ResourceState) => ({
      urn: r.urn, custom: true, id: r.id, type: r.type, inputs: write(r.inputs), outputs: write(r.outputs),
      ...(r.parent ? { parent: r.parent } : {}), provider: r.provider,
      ...(r.protect ? { protect: true } : {}), ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
      ...(r.dependencies?.length ? { dependencies: r.dependencies } : {}), ...(r.ignoreChanges.length ? { ignoreChanges: r.ignoreChanges } : {}),
      ...(r.initErrors.length ? { initErrors: r.initErrors } : {}), ...(r.importId ? { importID: r.importId } : {}),
      ...(r.external ? { external: true } : {}), ...(r.pendingReplacement ? { pendingReplacement: true } : {}),
    })),
  ];
  const doc = {
    version: 3,
    checkpoint: {
      stack: `organization/${project}/${stackName}`,
      config: Object.fromEntries(Object.entries(state.config).map(([k, v]) => [k, write(v as Value)])),
      latest: {
        manifest: { time: new Date().toISOString(), magic: "", version: "pulumi-freebsd program runner" },
        secrets_providers: { type: "passphrase", state: { salt: crypter.salt } },
        resources,
      },
    },
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(doc, null, 4)}\n`);
  renameSync(`${file}.tmp`, file);
}

function nameOf(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

function typeOf(urn: string): string {
  const q = urn.split("::")[2] ?? "";
  return q.slice(q.lastIndexOf("$") + 1);
}

// A value in the checkpoint's JSON: secrets as {sig, ciphertext} over the JSON of their plaintext.
function toJson(v: Value, crypter: Crypter): unknown {
  if (isUnknown(v)) throw new Error("state: an unknown value cannot be saved (only previews have unknowns)");
  if (isSecret(v)) return { [SIG.key]: SIG.secret, ciphertext: crypter.encrypt(JSON.stringify(toJson(v.value, crypter))) };
  if (isResourceRef(v)) return { [SIG.key]: SIG.resourceRef, urn: v.urn, ...(typeof v.id === "string" ? { id: v.id } : {}), ...(v.packageVersion ? { packageVersion: v.packageVersion } : {}) };
  if (v instanceof Uint8Array) return { [SIG.key]: SIG.byteString, value: Buffer.from(v).toString("base64") };
  if (Array.isArray(v)) return v.map((e) => toJson(e, crypter));
  if (isValueMap(v)) return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, toJson(e, crypter)]));
  return v;
}

function fromJson(v: unknown, crypter: Crypter | undefined): Value {
  if (Array.isArray(v)) return v.map((e) => fromJson(e, crypter));
  if (typeof v !== "object" || v === null) return v as Value;
  const o = v as Record<string, unknown>;
  if (o[SIG.key] === SIG.secret) {
    if (crypter === undefined) throw new Error("state: a secret without a secrets provider");
    return secret(fromJson(JSON.parse(crypter.decrypt(String(o["ciphertext"]))), crypter));
  }
  if (o[SIG.key] === SIG.resourceRef) {
    return resourceRef({ urn: String(o["urn"]), ...(typeof o["id"] === "string" ? { id: o["id"] } : {}), ...(o["packageVersion"] ? { packageVersion: String(o["packageVersion"]) } : {}) });
  }
  if (o[SIG.key] === SIG.byteString) return new Uint8Array(Buffer.from(String(o["value"]), "base64"));
  return Object.fromEntries(Object.entries(o).map(([k, e]) => [k, fromJson(e, crypter)]));
}
