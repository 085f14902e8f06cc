// RegisterResourceRequest decoded into a plain record, and the options of it the runner refuses
// because its engine model does not carry them out (rather than ignoring them as if they had worked).
import type { resourcePb } from "../proto.ts";
import type { ResourceOptions } from "../stack-types.ts";
import type { ValueMap } from "../value-model.ts";
import { decodeStruct } from "../wire.ts";

/** A resource registration as the SDK sent it. */
export interface RegisterRequest {
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  remote: boolean;
  inputs: ValueMap;
  /** Explicit provider reference ("<urn>::<id>"), or "" for the default provider. */
  provider: string;
  /** A component's providers by package (inherited by its children). */
  providers: Record<string, string>;
  version: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  additionalSecretOutputs: string[];
  acceptSecrets: boolean;
  acceptResources: boolean;
  options: ResourceOptions;
  /** Options present in the request that the runner does not model, by name. */
  unmodelled: string[];
}

type Req = InstanceType<typeof resourcePb.RegisterResourceRequest>;

// Decodes a RegisterResourceRequest (inputs with unknowns, secrets and resource references kept).
export function decodeRegistration(req: Req): RegisterRequest {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
  const providers: Record<string, string> = {};
  req.getProvidersMap().forEach((v, k) => (providers[k] = v));
  return {
    type: req.getType(), name: req.getName(), parent: req.getParent(), custom: req.getCustom(), remote: req.getRemote(),
    inputs: decodeStruct(req.getObject(), { keepUnknowns: true, keepSecrets: true, keepResources: true }) ?? {},
    provider: req.getProvider(), providers, version: req.getVersion(),
    dependencies: req.getDependenciesList(), propertyDependencies,
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    acceptSecrets: req.getAcceptsecrets(), acceptResources: req.getAcceptresources(),
    options: resourceOptions(req),
    unmodelled: unmodelledOptions(req),
  };
}

function resourceOptions(req: Req): ResourceOptions {
  const t = req.getCustomtimeouts();
  const timeouts = {
    ...(t?.getCreate() ? { create: seconds(t.getCreate()) } : {}),
    ...(t?.getUpdate() ? { update: seconds(t.getUpdate()) } : {}),
    ...(t?.getDelete() ? { delete: seconds(t.getDelete()) } : {}),
    ...(t?.getRead() ? { read: seconds(t.getRead()) } : {}),
  };
  const protect = req.getProtect();
  const retain = req.getRetainondelete();
  return {
    ...(req.getIgnorechangesList().length ? { ignoreChanges: req.getIgnorechangesList() } : {}),
    ...(req.getReplaceonchangesList().length ? { replaceOnChanges: req.getReplaceonchangesList() } : {}),
    ...(protect !== undefined ? { protect } : {}),
    ...(retain !== undefined ? { retainOnDelete: retain } : {}),
    ...(req.getDeletebeforereplacedefined() ? { deleteBeforeReplace: req.getDeletebeforereplace() } : {}),
    ...(req.getImportid() ? { import: req.getImportid() } : {}),
    ...(Object.keys(timeouts).length ? { customTimeouts: timeouts } : {}),
  };
}

// The options of a registration that change what the engine does and that the runner does not model.
function unmodelledOptions(req: Req): string[] {
  const out: string[] = [];
  if (req.getAliasurnsList().length || req.getAliasesList().length) out.push("aliases");
  if (req.getDeletedwith()) out.push("deletedWith");
  if (req.getReplaceWithList().length) out.push("replaceWith");
  if (req.getReplacementTrigger() !== undefined && req.getReplacementTrigger()!.getKindCase() !== 0 && req.getReplacementTrigger()!.hasNullValue() === false) {
    out.push("replacementTrigger");
  }
  if (req.getTransformsList().length) out.push("transforms");
  if (req.getStateMigrationsList().length) out.push("stateMigrations");
  if (req.getEnvvarmappingsMap().getLength()) out.push("envVarMappings");
  if (req.getPackageref()) out.push("packageRef (parameterized packages)");
  const hooks = req.getHooks();
  if (hooks && [hooks.getBeforeCreateList(), hooks.getAfterCreateList(), hooks.getBeforeUpdateList(), hooks.getAfterUpdateList(),
    hooks.getBeforeDeleteList(), hooks.getAfterDeleteList()].some((l) => l.length > 0)) out.push("hooks");
  return out;
}

// Seconds of a Go duration ("1h30m", "5m", "90s", "1.5h") as the customTimeouts option takes them.
export function seconds(duration: string): number {
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  const re = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g;
  let matched = "";
  for (let m = re.exec(duration); m !== null; m = re.exec(duration)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched += m[0];
  }
  if (matched !== duration) throw new Error(`customTimeouts: ${JSON.stringify(duration)} is not a duration (e.g. "5m", "1h30m")`);
  return Math.ceil(total);
}
