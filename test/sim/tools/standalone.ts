// Tools that run without the state lock: lockf(1) runs other commands (which may be zfs itself),
// fetch(1) and tar(1) move files around the host's root file system only.

import type { StatePaths } from "../core/paths.ts";
import { lockfMain } from "./lockf.ts";
import { fetchMain } from "./fetch.ts";
import { tarMain } from "./tar.ts";

/** A tool that writes its own output and returns its exit status. */
export type StandaloneTool = (args: string[], paths: StatePaths) => number;

/** The standalone tools by name. */
export const STANDALONE: Record<string, StandaloneTool> = {
  lockf: (args) => lockfMain(args),
  fetch: (args, paths) => fetchMain(args, paths),
  tar: (args, paths) => tarMain(args, paths),
};
