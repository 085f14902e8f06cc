import type { Command } from "../../core/command.ts";
import { RefusedError } from "../../core/errors.ts";
import { writeFile } from "../../freebsd/files.ts";
import { rctlConfPath, withConfRule, withConfRuleReplaced, withoutConfRule } from "../../freebsd/rctl-conf.ts";
import { racctDisabledMessage, rctlAdd, rctlRemove } from "../../freebsd/rctl-output.ts";
import { rctlAmountValue, rctlRuleText } from "../../freebsd/rctl.ts";
import type { HostView } from "../../inventory/view.ts";
import { rctlConf, rctlRules } from "../../sections/rctl.ts";
import type { Context, Existing } from "../contract.ts";
import { ruleOfInputs, type LimitRecord } from "./read.ts";
import type { LimitInputs, LimitOutputs } from "./schema.ts";

// The command plans of freebsd:rctl:Limit: `rctl -a` and `rctl -r` on the kernel, and the rule's
// line in /etc/rctl.conf (under the host lock, checked against the text read). The kernel goes first,
// so a rule rctl refuses is never written for boot; a changed amount is added before the old rule
// goes, so the subject is never unlimited in between.

type Current = Existing<LimitOutputs, LimitInputs>;

/** Refuses to plan on a host whose kernel does not account resources, with FreeBSD's reason and the remedy. */
function requireRacct(view: HostView): void {
  const racct = view.get(rctlRules).racct;
  if (racct === "enabled") return;
  const reason = racct === "disabled"
    ? `rctl: ${racctDisabledMessage}`
    : "rctl: RACCT/RCTL support not present in kernel; see rctl(8) for details";
  throw new RefusedError(
    `${view.host}: ${reason}. Resource limits need racct: add kern.racct.enable=1 to /boot/loader.conf and reboot ` +
      `(the tunable cannot be changed at runtime); nothing was changed`,
  );
}

/** The command that brings rctl.conf from `now` to `next`; a file that does not exist yet must still not exist. */
function confWrite(now: string | undefined, next: string): Command[] {
  return next === (now ?? "") && now !== undefined ? [] : [writeFile(rctlConfPath, next, now ?? null)];
}

/** Commands that add the rule to the kernel, then to rctl.conf under a marker of this resource. */
export function planCreate(inputs: LimitInputs, view: HostView, ctx: Context): Command[] {
  requireRacct(view);
  const text = rctlRuleText(ruleOfInputs(inputs));
  const now = view.get(rctlConf);
  return [rctlAdd(text), ...(inputs.persist ? confWrite(now, withConfRule(now ?? "", text, ctx.urn)) : [])];
}

/** Commands that bring the rule to the new amount and persistence, the new rule in place before the old goes. */
export function planUpdate(record: LimitRecord, _current: Current, news: LimitInputs, view: HostView, ctx: Context): Command[] {
  const text = rctlRuleText(ruleOfInputs(news));
  const value = rctlAmountValue(news.amount, news.resource);
  const commands: Command[] = [];
  const held = record.kernel && rctlAmountValue(record.kernel.amount, record.kernel.resource);
  if (held !== value) {
    requireRacct(view);
    commands.push(rctlAdd(text));
    // A deny rule replaced the old one as it was added (kern_rctl.c rctl_rule_add); other actions keep
    // rules of other amounts side by side, so the old one is removed once the new one holds.
    if (record.kernel && news.action !== "deny") commands.push(rctlRemove(rctlRuleText(record.kernel)));
  }
  const now = view.get(rctlConf);
  const entry = record.conf;
  if (news.persist && !entry) commands.push(...confWrite(now, withConfRule(now ?? "", text, ctx.urn)));
  else if (news.persist && entry && rctlAmountValue(entry.rule?.amount ?? "", news.resource) !== value) {
    commands.push(...confWrite(now, withConfRuleReplaced(now!, entry, text)));
  } else if (!news.persist && entry) commands.push(...confWrite(now, withoutConfRule(now!, entry)));
  return commands;
}

/** Commands that remove the rule from the kernel and its line (with its marker) from rctl.conf. */
export function planDelete(record: LimitRecord, _current: Current, view: HostView): Command[] {
  const now = view.get(rctlConf);
  return [
    ...(record.kernel ? [rctlRemove(rctlRuleText(record.kernel))] : []),
    ...(record.conf && now !== undefined ? confWrite(now, withoutConfRule(now, record.conf)) : []),
  ];
}

