// Reading back the commands the provider writes into a jail's exec.* parameters. jail(8) hands an
// exec.* value with shell syntax to /bin/sh -c (usr.sbin/jail/command.c run_command), so the
// provider writes each command as an argv list quoted for sh(1) only where a word needs it
// (host/quote.ts quoteArgIfNeeded), and reads the words back here with sh(1)'s quoting rules.

/** Characters that make sh(1) do more than split words when they appear unquoted. */
const unquotedSpecial = new Set([..."|&;<>()$`*?[#~"]);

/**
 * Splits a simple command into its words as sh(1) would: blanks separate words, '...' is literal,
 * "..." keeps its text (a backslash escapes $ ` " \ and newline), and a backslash outside quotes
 * escapes the next character. Undefined when the text is more than a simple command (an unquoted
 * operator, expansion or glob) or ends inside a quote.
 */
export function splitShellWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    if (c === "\\" && text[i + 1] === "\n") {
      i++;
      continue;
    }
    word ??= "";
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word += text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        const d = text[j]!;
        if (d === "$" || d === "`") return undefined;
        if (d === "\\" && j + 1 < text.length && '$`"\\\n'.includes(text[j + 1]!)) {
          if (text[j + 1] !== "\n") word += text[j + 1];
          j += 2;
          continue;
        }
        word += d;
        j++;
      }
      if (j >= text.length) return undefined;
      i = j;
    } else if (c === "\\") {
      if (i + 1 >= text.length) return undefined;
      word += text[++i];
    } else if (unquotedSpecial.has(c) && !(c === "#" && word !== "") && !(c === "~" && word !== "")) {
      return undefined;
    } else word += c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** ZFS dataset names: the characters zfs allows in components (zfs_namecheck.c), `/` between them. */
const datasetText = /^[A-Za-z0-9][A-Za-z0-9_.: /-]*$/;

/**
 * The dataset of a `zfs jail JAIL DATASET` command the provider wrote for this jail, or undefined.
 * Older versions wrote the words unquoted, so `zfs jail web zroot/a b` is read as the dataset
 * `zroot/a b` it was meant to be.
 */
export function zfsJailDataset(command: string, jail: string): string | undefined {
  const words = splitShellWords(command);
  if (words?.length === 4 && words[0] === "zfs" && words[1] === "jail" && words[2] === jail) return words[3];
  const prefix = `zfs jail ${jail} `;
  if (!command.startsWith(prefix)) return undefined;
  const rest = command.slice(prefix.length);
  return datasetText.test(rest) && !rest.endsWith(" ") && !rest.includes("  ") ? rest : undefined;
}
