import { hostFactsScript, parseHostFacts, type HostFacts } from "../freebsd/host-facts.ts";
import type { Section } from "../inventory/section.ts";

// The host's own facts: versions, architecture, CPUs, memory and interfaces (freebsd/host-facts.ts).

/** Versions, machine and interfaces, from one script. */
export const hostFacts: Section<HostFacts> = {
  key: "host.facts",
  command: (_scope, token) => hostFactsScript(token),
  parse: (out, _scope, token) => {
    if (out.code !== 0) throw new Error(`host facts exited ${out.code}: ${out.stderr.trim() || "(no stderr)"}`);
    return parseHostFacts(token, out.stdout);
  },
};
