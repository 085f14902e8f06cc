// A resource's description as Pulumi's docs take it: the import hint each definition ends with
// ("Import with `pulumi import TOKEN NAME ID` (what the id is)."), moved into an `## Import`
// section with the command in a `sh` block, as the Pulumi Registry renders it.

const importHint = /\s*Import with `pulumi import (\S+) (\S+) ([^`]+)`(?: \(([^)]*)\))?\.?/;

/** The description with its import hint as an `## Import` section (unchanged when it has none). */
export function describeWithImport(description: string): string {
  const hint = importHint.exec(description);
  if (!hint) return description;
  const [sentence, token, name, id, about] = hint;
  const body = description.replace(sentence, "").trim();
  const note = about ? `The id is ${about}.\n\n` : "";
  return `${body}\n\n## Import\n\n${note}\`\`\`sh\n$ pulumi import ${token} ${name} ${id}\n\`\`\`\n`;
}
