// The jail tools as tools/run.ts starts them. Unlike zfs, these run other programs (exec.start,
// jexec's command, rc.d/jail's jail(8) calls), so they take the state lock only around model
// changes and write straight to their stdio. Modules load on demand to keep other tools' start cheap.

import { env as processEnv } from "node:process";
import type { Fds } from "./run-context.ts";

type Runner = (stateDir: string, argv: string[]) => number | Promise<number>;

const EXT = import.meta.url.endsWith(".ts") ? "ts" : "js";

function load<T>(name: string): Promise<T> {
  return import(new URL(`./${name}.${EXT}`, import.meta.url).href) as Promise<T>;
}

function envOf(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) out[k] = v;
  return out;
}

const STDIO: Fds = { in: 0, out: 1, err: 2 };

/** Tools that manage their own locking and stdio, by name. */
export const SELF_RUN: Record<string, Runner> = {
  jail: async (stateDir, argv) => (await load<typeof import("./jail-main.ts")>("jail-main"))
    .jailMain(argv, { stateDir, fds: STDIO, env: envOf(), cwd: process.cwd() }),
  jls: async (stateDir, argv) => {
    const { jlsMain } = await load<typeof import("./jls.ts")>("jls");
    const { pathsOf, withModel } = await load<typeof import("./store.ts")>("store");
    const { writeFd } = await load<typeof import("./run-context.ts")>("run-context");
    const res = withModel(pathsOf(stateDir), false, (_d, kernel) => jlsMain(argv, kernel));
    writeFd(1, res.stdout);
    writeFd(2, res.stderr);
    return res.code;
  },
  jexec: async (stateDir, argv) => (await load<typeof import("./jexec.ts")>("jexec")).jexecMain(stateDir, argv, envOf()),
  sysrc: async (stateDir, argv) => (await load<typeof import("./sysrc.ts")>("sysrc")).sysrcMain(stateDir, argv, STDIO),
  service: async (stateDir, argv) => (await load<typeof import("./service.ts")>("service"))
    .serviceMain(stateDir, argv, { fds: STDIO, env: envOf(), cwd: process.cwd() }),
  "rc.d/jail": async (stateDir, argv) => (await load<typeof import("./rc-jail.ts")>("rc-jail"))
    .rcJailMain(stateDir, argv, { fds: STDIO, env: envOf(), cwd: process.cwd() }),
};
