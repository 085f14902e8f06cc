import { ValidationError } from "../../core/errors.ts";
import { confEntriesFor, parseRctlConf, rctlConfPath, type RctlConfEntry } from "../../freebsd/rctl-conf.ts";
import {
  humanRctlAmount, parseRctlRule, rctlAmountValue, rctlRuleKey, rctlRuleText, type RctlRule,
} from "../../freebsd/rctl.ts";
import { want, type SectionRequest } from "../../inventory/section.ts";
import type { HostView } from "../../inventory/view.ts";
import { rctlConf, rctlRules } from "../../sections/rctl.ts";
import type { Claim, Context, Found, Ref } from "../contract.ts";
import type { LimitInputs, LimitOutputs } from "./schema.ts";

// How a limit reads itself: the kernel's rule list is what is enforced, /etc/rctl.conf what boot
// loads. A rule is named by its key, `subject:id:resource:action[/per]` (one deny rule per key: the
// kernel replaces a deny rule that differs only in amount), and found where either holds it.

/** A limit as found on the host: the kernel's rule (absent when removed by hand) and its rctl.conf line. */
export interface LimitRecord {
  key: string;
  rule: Omit<RctlRule, "amount">;
  kernel: RctlRule | undefined;
  conf: RctlConfEntry | undefined;
}

/** The rule of an id: a key, or a whole rule as rctl prints it (`pulumi import ... jail:www:memoryuse:deny=512M`). */
export function ruleOfId(id: string): Omit<RctlRule, "amount"> & { amount?: string } {
  const rule = parseRctlRule(id);
  if (!rule) throw new ValidationError("id", `${JSON.stringify(id)} is not an rctl rule: use subject:id:resource:action, e.g. jail:www:memoryuse:deny`);
  return rule;
}

/** The key of the rule the inputs make. */
export function keyOfInputs(inputs: LimitInputs): string {
  return rctlRuleKey(ruleOfInputs(inputs));
}

/** The rule the inputs make, amount as the user spelled it. */
export function ruleOfInputs(inputs: LimitInputs): RctlRule {
  const [type, ...rest] = inputs.subject.split(":");
  return {
    subject: { type: type as RctlRule["subject"]["type"], id: rest.join(":") },
    resource: inputs.resource, action: inputs.action, amount: inputs.amount,
    ...(inputs.per && inputs.per !== type ? { per: inputs.per } : {}),
  };
}

/** The subject text of a rule, as `rctl -u` takes it. */
export function subjectOf(rule: Omit<RctlRule, "amount">): string {
  return `${rule.subject.type}:${rule.subject.id}`;
}

/** The sections a limit reads: the rule list with its subject's usage, and rctl.conf. */
export function limitReads(ref: Ref, _purpose: unknown, news?: LimitInputs): SectionRequest[] {
  const subjects = new Set([subjectOf(ruleOfId(ref.id)), ...(news ? [news.subject] : [])]);
  return [want(rctlRules, subjects), want(rctlConf)];
}

/** The kernel value of an amount, for comparing spellings (`512m`, `512M`, `536870912`). */
function valueOf(amount: string | undefined, resource: string): bigint | undefined {
  return amount === undefined ? undefined : rctlAmountValue(amount, resource);
}

/** The record of a key on this view, preferring the kernel rule with the known amount and the conf line with our URN. */
function recordOf(view: HostView, rule: Omit<RctlRule, "amount">, known: string | undefined, urn: string | undefined): LimitRecord {
  const key = rctlRuleKey(rule);
  const kernel = view.get(rctlRules).rules.filter((r) => rctlRuleKey(r) === key);
  const conf = confEntriesFor(parseRctlConf(view.get(rctlConf) ?? ""), key);
  const wanted = valueOf(known, rule.resource);
  return {
    key, rule,
    kernel: kernel.find((r) => valueOf(r.amount, r.resource) === wanted) ?? kernel[0],
    conf: conf.find((e) => e.urn !== undefined && e.urn === urn) ?? conf[0],
  };
}

/** The managed limit: undefined when neither the kernel nor rctl.conf holds its rule. */
export function findLimit(view: HostView, ref: Ref, ctx: Context): LimitRecord | undefined {
  const rule = ruleOfId(ref.id);
  const known = (ref.inputs?.["amount"] ?? ref.state?.["amount"] ?? rule.amount) as string | undefined;
  const record = recordOf(view, rule, known, ctx.urn);
  return record.kernel || record.conf ? record : undefined;
}

/** Whose the rule of a create is: its own marked rctl.conf line, a stranger's line or kernel rule, or nobody's. */
export function claimLimit(view: HostView, inputs: LimitInputs, ctx: Context): Claim<LimitRecord> {
  const rule = ruleOfInputs(inputs);
  const record = recordOf(view, rule, inputs.amount, ctx.urn);
  const hint = `to manage it, import it: pulumi import freebsd:rctl:Limit <resource-name> ${record.key}`;
  if (record.conf?.urn === ctx.urn) return { kind: "own", record };
  if (record.conf) {
    const by = record.conf.urn ? `, written for ${record.conf.urn}` : "";
    return { kind: "other", why: `${rctlConfPath} on ${view.host} already has the rule ${record.conf.text} (line ${record.conf.line + 1}${by}); ${hint}` };
  }
  if (!record.kernel) return { kind: "absent" };
  // The kernel holding exactly this rule and no file line: this resource's own create, cut short before
  // it wrote rctl.conf (or one with persist off).
  if (valueOf(record.kernel.amount, rule.resource) === valueOf(inputs.amount, rule.resource)) return { kind: "own", record };
  return { kind: "other", why: `${view.host} already enforces ${rctlRuleText(record.kernel)} (added with rctl -a, not in ${rctlConfPath}); ${hint}` };
}

/** The limit's outputs and inputs; the amount keeps the known spelling while it means what the kernel holds. */
export function describeLimit(record: LimitRecord, view: HostView, ref: Ref, ctx: Context): Found<LimitOutputs, LimitInputs> {
  const { rule, kernel, conf } = record;
  // The known spelling: recorded inputs or state, else the amount of an imported rule's text.
  const known = (ref.inputs?.["amount"] ?? ref.state?.["amount"] ?? ruleOfId(ref.id).amount) as string | undefined;
  const spell = (value: bigint | undefined): string =>
    value === undefined ? "" : known !== undefined && valueOf(known, rule.resource) === value ? known : humanRctlAmount(rule.resource, value);
  const confRule = conf?.rule;
  const confValue = valueOf(confRule?.amount, rule.resource);
  const racct = view.get(rctlRules).racct;
  if (!kernel) {
    ctx.warn(`${view.host}: ${record.key} is in ${rctlConfPath} but the kernel does not enforce it` +
      (racct === "enabled" ? " (removed with rctl -r?)" : ` (racct is ${racct}: set kern.racct.enable=1 in /boot/loader.conf and reboot)`));
  }
  const kernelValue = valueOf(kernel?.amount, rule.resource);
  const inputs: LimitInputs = {
    subject: subjectOf(rule), resource: rule.resource, action: rule.action as LimitInputs["action"],
    // An amount the kernel does not hold reads as empty, so the next update adds the rule again.
    amount: spell(kernelValue),
    ...(rule.per ? { per: rule.per } : {}),
    // Persisted when rctl.conf brings back at boot what the kernel now holds.
    persist: conf !== undefined && (kernelValue === undefined || confValue === kernelValue),
  };
  const usage = view.get(rctlRules).usage.get(subjectOf(rule))?.get(rule.resource);
  const state: LimitOutputs = {
    ...inputs,
    rule: kernel ? rctlRuleText(kernel) : "",
    usage: usage === undefined ? "" : usage.toString(),
    configFile: conf ? rctlConfPath : "",
  };
  return { id: record.key, state, inputs };
}
