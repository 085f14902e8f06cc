// Pulumi URNs: urn:pulumi:<stack>::<project>::<qualified type>::<name> (sdk/go/common/resource/urn.go).

// Builds the URN of a top-level resource (no parent type in the qualified type).
export function makeUrn(stack: string, project: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

// Returns the resource name of a URN (everything after the type component).
export function urnName(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

// Returns the resource type of a URN (the last `$`-separated part of the qualified type).
export function urnType(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

// The default provider's resource name: "default", or "default_<version with . and - as _>".
export function defaultProviderName(version: string | undefined): string {
  return version ? `default_${version.replace(/[.-]/g, "_")}` : "default";
}
