// The harness's value codec, as the engine has it: the value model (secrets, typed unknowns,
// resource references) and its Struct encoding under the engine's marshalling flags.
//
//   encodeStruct({ pw: secret("x"), n: UNKNOWN }, { keepSecrets: true, keepUnknowns: true })
//   decodeStruct(resp.getProperties(), { keepSecrets: true, rejectUnknowns: true })
export {
  UNKNOWN, secret, unknownOf, resourceRef, isSecret, isUnknown, isResourceRef, isValueMap, unknownKind,
  unwrapSecrets, unwrapSecretMap, secretPaths, containsUnknowns, containsSecrets, deepEqual, mapsEqual, joinKey,
  annotateSecrets,
} from "./value-model.ts";
export type { Value, ValueMap, PlainValue, Secret, Unknown, UnknownKind, ResourceRef } from "./value-model.ts";
export { encodeStruct, decodeStruct, encodeValue, decodeValue, SIG, UNKNOWN_SENTINELS } from "./wire.ts";
export type { WireOptions } from "./wire.ts";
export type { ConfigValue } from "./stack-types.ts";
