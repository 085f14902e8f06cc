import { z } from "zod";
import {
  checkRctlAction, checkRctlAmount, checkRctlSubject, rctlActions, rctlResourceNames, rctlSubjects,
} from "../../freebsd/rctl.ts";

// Inputs and outputs of freebsd:rctl:Limit.

const limitShape = {
  subject: z
    .string()
    .describe("Whom the rule limits: `jail:NAME` (a jail's name; the rule may exist before the jail), `user:NAME`, `loginclass:NAME` or `process:PID`. Changing it replaces the limit."),
  resource: z
    .enum(rctlResourceNames)
    .describe("The rctl(8) resource: `memoryuse`, `vmemoryuse`, `swapuse`, `pcpu`, `maxproc`, `nthr`, `openfiles`, `readbps`, `writebps`, `readiops`, `writeiops`, `cputime`, `wallclock`, the SysV IPC counters, .... Changing it replaces the limit."),
  action: z
    .enum(rctlActions)
    .describe("What happens past the amount: `deny`, `log`, `devctl`, `throttle` (I/O resources only) or a signal such as `sigterm`; only those the resource allows (rctl(8)). Changing it replaces the limit."),
  amount: z
    .string()
    .describe("The limit: a whole number, with one of rctl's 1024-based unit letters (`k`, `m`, `g`, `t`, `p`, `e`) for sizes and byte rates, e.g. `512m`; percent of one CPU for `pcpu`; seconds for `cputime` and `wallclock`. Changed in place, without a moment unlimited."),
  per: z
    .enum(rctlSubjects)
    .optional()
    .describe("Account per `process`, `user`, `loginclass` or `jail` rather than per subject (the `/per` suffix). Changing it replaces the limit."),
  persist: z
    .boolean()
    .default(true)
    .describe("Keep the rule in /etc/rctl.conf, which rc.d/rctl loads at boot. False applies it until the next reboot only."),
};

export const limitInputs = z.strictObject(limitShape).superRefine((inputs, ctx) => {
  const fail = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  const subject = checkRctlSubject(inputs.subject);
  if (subject) fail("subject", subject);
  const action = checkRctlAction(inputs.resource, inputs.action, inputs.per);
  if (action) fail(action.includes("per process") ? "per" : "action", action);
  const amount = checkRctlAmount(inputs.resource, inputs.amount);
  if (amount) fail("amount", amount);
});

export type LimitInputs = z.output<typeof limitInputs>;

export const limitOutputs = z.object({
  ...limitShape,
  rule: z.string().describe("The rule as the kernel lists it (`rctl`), amounts in bytes; empty while the kernel does not hold it."),
  usage: z.string().describe("The subject's current use of the resource, as `rctl -u` reports it (bytes, seconds, percent or a count)."),
  configFile: z.string().describe("The file the rule is kept in for boot (/etc/rctl.conf), or empty when `persist` is false."),
});

export type LimitOutputs = z.output<typeof limitOutputs>;
