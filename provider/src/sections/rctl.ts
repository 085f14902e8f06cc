import { catFilePaths, parseCatFiles } from "../freebsd/files.ts";
import { rctlConfPath } from "../freebsd/rctl-conf.ts";
import { parseRctlState, rctlStateScript, type RctlState } from "../freebsd/rctl-output.ts";
import type { Section, SectionOutput } from "../inventory/section.ts";

// The rctl sections: whether racct is on, every rule the kernel holds with the usage of the named
// subjects, and /etc/rctl.conf, which rc.d/rctl loads at boot.

function succeeded(what: string, out: SectionOutput): string {
  if (out.code !== 0) throw new Error(`${what} exited ${out.code}: ${out.stderr.trim() || "(no stderr)"}`);
  return out.stdout;
}

/** racct, every rule, and `rctl -u` of the subjects in scope (`jail:www`); "all" reads no usage. */
export const rctlRules: Section<RctlState> = {
  key: "rctl.state",
  command: (scope, token) => rctlStateScript(token, scope === "all" ? [] : [...scope].sort()),
  parse: (out, _scope, token) => parseRctlState(token, succeeded("rctl", out)),
};

/** /etc/rctl.conf byte for byte, or undefined when the file does not exist. */
export const rctlConf: Section<string | undefined> = {
  key: "rctl.conf",
  command: (_scope, token) => catFilePaths(token, [rctlConfPath]),
  parse: (out, _scope, token) => parseCatFiles(token, succeeded("reading /etc/rctl.conf", out)).get(rctlConfPath),
};
