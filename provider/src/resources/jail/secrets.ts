// Outputs that repeat a Jail input elsewhere, and so must be secret when it is: `config` holds every
// value as written in the jail's file, and `live` the kernel's copies (jls) of kernel parameters.

type Path = readonly (string | number)[];

/** The kernel parameter each typed input is written as (exec.*, mount.* and vnet.interface never reach the kernel). */
const kernelParamOf: Readonly<Record<string, string>> = {
  name: "name", path: "path", hostname: "host.hostname", ip4: "ip4.addr", ip6: "ip6.addr", vnet: "vnet",
  enforceStatfs: "enforce_statfs", securelevel: "securelevel", devfsRuleset: "devfs_ruleset", childrenMax: "children.max",
  sysvmsg: "sysvmsg", sysvsem: "sysvsem", sysvshm: "sysvshm", persist: "persist", osrelease: "osrelease",
};

/** The output paths derived from the input at `path`, beyond the same path. */
export function jailDerivedSecrets(path: Path): (string | number)[][] {
  const [top, key] = path;
  const derived: (string | number)[][] = [["config"]];
  if (typeof top !== "string") return derived;
  if (top === "allow" || top === "parameters") {
    // A secret map hides every parameter it could stand for; one secret key hides its parameter.
    derived.push(typeof key === "string" ? ["live", top === "allow" ? `allow.${key}` : key] : ["live"]);
  } else if (top in kernelParamOf) derived.push(["live", kernelParamOf[top]!]);
  return derived;
}
