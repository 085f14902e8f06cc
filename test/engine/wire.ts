// Marshalling between the value model and google.protobuf.Struct, mirroring the engine's
// MarshalProperties/UnmarshalProperties (pulumi/pulumi pkg/resource/plugin/rpc.go) flag by flag.
import { structPb, type ProtoValue, type Struct } from "./proto.ts";
import {
  isResourceRef, isSecret, isUnknown, isValueMap, resourceRef, secret, unknownKind, unknownOf,
  type ResourceRef, type UnknownKind, type Value, type ValueMap,
} from "./value-model.ts";

/** Signature strings of the special objects (key SIG.key). */
export const SIG = {
  key: "4dabf18193072939515e22adb298388d",
  secret: "1b47061264138c4ac30d75fd1eb44270",
  resourceRef: "5cf8f73096256a8f31e491e813e4eb8e",
  outputValue: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
  asset: "c44067f5952c0a294b673a41bacd8c17",
  archive: "0def7320c3a5731c473e5ecbe6d01bc7",
  byteString: "803fd3297a5875dc03ca845dda5d2a98",
} as const;

/** The unknown sentinels, one per element kind. */
export const UNKNOWN_SENTINELS: Readonly<Record<UnknownKind, string>> = {
  bool: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  asset: "030794c1-ac77-496b-92df-f27374a8bd58",
  archive: "e48ece36-62e2-4504-bad9-02848725956a",
  object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
};

const kindBySentinel = new Map(Object.entries(UNKNOWN_SENTINELS).map(([k, s]) => [s, k as UnknownKind]));

/** The engine's MarshalOptions that matter for provider calls. All default to false. */
export interface WireOptions {
  /** Keep unknowns as sentinels (otherwise they are left out). */
  keepUnknowns?: boolean;
  /** An unknown is an error ("unexpected unknown property value"); wins over keepUnknowns. */
  rejectUnknowns?: boolean;
  /** Keep secret wrappers (otherwise the plain value is sent). */
  keepSecrets?: boolean;
  /** Keep resource references (otherwise their id, or their URN when they have none). */
  keepResources?: boolean;
  /** The receiver accepts byte strings (non-UTF-8); otherwise sending one is an error. */
  keepByteString?: boolean;
  /** Send assets and archives with their hash only. */
  elideAssetContents?: boolean;
  /** A nil map encodes/decodes as nil (PropagateNil); false gives an empty Struct. */
  propagateNil?: boolean;
}

// Encodes a property map; undefined stays undefined with propagateNil, else becomes an empty Struct.
export function encodeStruct(m: ValueMap | undefined, opts: WireOptions = {}): Struct | undefined {
  if (m === undefined && opts.propagateNil) return undefined;
  const s = new structPb.Struct();
  const fields = s.getFieldsMap();
  for (const key of Object.keys(m ?? {}).sort()) {
    const v = (m ?? {})[key];
    if (v === undefined) continue; // the SDKs drop undefined inputs before they reach the engine
    const pv = encodeValue(key, v, opts);
    if (pv !== undefined) fields.set(key, pv);
  }
  return s;
}

// Encodes one value; undefined means "left out" (an unknown without keepUnknowns).
export function encodeValue(key: string, v: Value, opts: WireOptions): ProtoValue | undefined {
  const out = new structPb.Value();
  if (v === null) out.setNullValue(structPb.NullValue.NULL_VALUE);
  else if (typeof v === "boolean") out.setBoolValue(v);
  else if (typeof v === "number") out.setNumberValue(v);
  else if (typeof v === "string") out.setStringValue(v);
  else if (v instanceof Uint8Array) return encodeByteString(key, v, opts);
  else if (Array.isArray(v)) {
    const list = new structPb.ListValue();
    for (const e of v) {
      const pe = encodeValue(key, e, opts);
      if (pe !== undefined) list.addValues(pe); // the engine drops left-out elements from lists
    }
    out.setListValue(list);
  } else if (isUnknown(v)) {
    if (opts.rejectUnknowns) throw new Error(`unexpected unknown property value for "${key}"`);
    if (!opts.keepUnknowns) return undefined;
    out.setStringValue(UNKNOWN_SENTINELS[unknownKind(v)]);
  } else if (isSecret(v)) {
    if (!opts.keepSecrets) return encodeValue(key, v.value, opts);
    return encodeValue(key, { [SIG.key]: SIG.secret, value: v.value }, opts);
  } else if (isResourceRef(v)) {
    return encodeResourceRef(key, v, opts);
  } else if (isValueMap(v)) {
    if (opts.elideAssetContents && isAssetLike(v)) return encodeValue(key, elideAsset(v), { ...opts, elideAssetContents: false });
    out.setStructValue(encodeStruct(v, { ...opts, propagateNil: false }));
  } else {
    throw new Error(`cannot encode property "${key}": unsupported value ${String(v)}`);
  }
  return out;
}

function encodeByteString(key: string, v: Uint8Array, opts: WireOptions): ProtoValue | undefined {
  if (!opts.keepByteString) {
    throw new Error(`the value of property "${key}" is a string that contains non-UTF8 bytes, which the receiver does not support`);
  }
  return encodeValue(key, { [SIG.key]: SIG.byteString, value: Buffer.from(v).toString("base64") }, opts);
}

function encodeResourceRef(key: string, ref: ResourceRef, opts: WireOptions): ProtoValue | undefined {
  if (!opts.keepResources) {
    return ref.id !== undefined ? encodeValue(key, ref.id, opts) : encodeValue(key, ref.urn, opts);
  }
  const m: ValueMap = { [SIG.key]: SIG.resourceRef, urn: ref.urn };
  if (ref.name) m.name = ref.name;
  if (ref.type) m.type = ref.type;
  if (ref.id !== undefined) m.id = isUnknown(ref.id) ? "" : ref.id;
  if (ref.packageVersion) m.packageVersion = ref.packageVersion;
  return encodeValue(key, m, opts);
}

function isAssetLike(m: ValueMap): boolean {
  return m[SIG.key] === SIG.asset || m[SIG.key] === SIG.archive;
}

function elideAsset(m: ValueMap): ValueMap {
  const out: ValueMap = { [SIG.key]: m[SIG.key] ?? null };
  if (typeof m.hash === "string" && m.hash !== "") out.hash = m.hash;
  return out;
}

// Decodes a property map; an absent Struct stays undefined with propagateNil, else becomes {}.
export function decodeStruct(s: Struct | undefined, opts: WireOptions = {}): ValueMap | undefined {
  if (s === undefined && opts.propagateNil) return undefined;
  const out: ValueMap = {};
  if (s === undefined) return out;
  const fields = s.getFieldsMap();
  const keys: string[] = [];
  fields.forEach((_v, k) => keys.push(k));
  for (const key of keys.sort()) {
    const pv = fields.get(key);
    if (pv === undefined) continue;
    const v = decodeValue(key, pv, opts);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

// Decodes one value; undefined means "left out" (an unknown without keepUnknowns).
export function decodeValue(key: string, pv: ProtoValue, opts: WireOptions): Value | undefined {
  switch (pv.getKindCase()) {
    case structPb.Value.KindCase.NULL_VALUE:
    case structPb.Value.KindCase.KIND_NOT_SET:
      return null;
    case structPb.Value.KindCase.BOOL_VALUE:
      return pv.getBoolValue();
    case structPb.Value.KindCase.NUMBER_VALUE:
      return pv.getNumberValue();
    case structPb.Value.KindCase.STRING_VALUE:
      return decodeString(key, pv.getStringValue(), opts);
    case structPb.Value.KindCase.LIST_VALUE:
      // A left-out element keeps its slot as null, as UnmarshalPropertyValue does.
      return (pv.getListValue()?.getValuesList() ?? []).map((e) => decodeValue(key, e, opts) ?? null);
    case structPb.Value.KindCase.STRUCT_VALUE:
      return decodeObject(key, decodeStruct(pv.getStructValue(), { ...opts, propagateNil: false }) ?? {}, opts);
  }
}

function decodeString(key: string, s: string, opts: WireOptions): Value | undefined {
  const kind = kindBySentinel.get(s);
  if (kind === undefined) return s;
  if (opts.rejectUnknowns) throw new Error(`unexpected unknown property value for "${key}"`);
  return opts.keepUnknowns ? unknownOf(kind) : undefined;
}

function decodeObject(key: string, obj: ValueMap, opts: WireOptions): Value | undefined {
  if (!(SIG.key in obj)) return obj;
  const sig = obj[SIG.key];
  switch (sig) {
    case SIG.asset:
    case SIG.archive:
      return obj; // kept in wire form
    case SIG.secret:
      if (!("value" in obj)) throw new Error(`malformed RPC secret: missing value for "${key}"`);
      return opts.keepSecrets ? secret(obj.value ?? null) : obj.value ?? null;
    case SIG.byteString:
      return decodeByteString(key, obj);
    case SIG.resourceRef:
      return decodeResourceRef(key, obj, opts);
    case SIG.outputValue:
      return decodeOutputValue(key, obj, opts);
    default:
      throw new Error(`unrecognized signature '${String(sig)}' in property map for "${key}"`);
  }
}

function decodeByteString(key: string, obj: ValueMap): Value {
  if (typeof obj.value !== "string") throw new Error(`malformed byte string for "${key}": value is not a string`);
  const bytes = Buffer.from(obj.value, "base64");
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : new Uint8Array(bytes);
}

function decodeResourceRef(key: string, obj: ValueMap, opts: WireOptions): Value | undefined {
  const { urn, id, name, type, packageVersion } = obj;
  if (typeof urn !== "string") throw new Error(`malformed resource reference for "${key}": urn not a string`);
  if (id !== undefined && typeof id !== "string" && !isUnknown(id)) {
    throw new Error(`malformed resource reference for "${key}": id not a string`);
  }
  const idValue = id === undefined ? undefined : id === "" || isUnknown(id) ? unknownOf("string") : id;
  if (!opts.keepResources) {
    if (idValue === undefined) return urn;
    if (!isUnknown(idValue)) return idValue;
    return opts.keepUnknowns ? decodeString(key, UNKNOWN_SENTINELS.string, opts) : "";
  }
  return resourceRef({
    urn,
    ...(idValue !== undefined ? { id: idValue } : {}),
    ...(typeof name === "string" && name !== "" ? { name } : {}),
    ...(typeof type === "string" && type !== "" ? { type } : {}),
    ...(typeof packageVersion === "string" && packageVersion !== "" ? { packageVersion } : {}),
  });
}

function decodeOutputValue(key: string, obj: ValueMap, opts: WireOptions): Value | undefined {
  const isSecretOutput = obj.secret;
  if (isSecretOutput !== undefined && typeof isSecretOutput !== "boolean") {
    throw new Error(`malformed output value for "${key}": secret not a bool`);
  }
  const inner = "value" in obj ? obj.value ?? null : decodeString(key, UNKNOWN_SENTINELS.string, opts);
  if (inner === undefined) return undefined;
  return isSecretOutput && opts.keepSecrets ? secret(inner) : inner;
}
