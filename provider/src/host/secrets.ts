// Secret values are redacted from every text derived from a command (debug log lines, error messages,
// a tool's stderr echoing a value). They never travel in an exec request: every batch is a script on
// the exec's standard input (host/batch.ts).

const mask = "[secret]";

/** A function that replaces every secret in a text, as written raw, JSON-escaped or shell-quoted. */
export function redactor(secrets: readonly string[] | undefined): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets ?? []) {
    if (secret === "") continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(secret.replaceAll("'", `'\\''`));
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => ordered.reduce((out, form) => out.split(form).join(mask), text);
}
