// The libc/libutil number handling rctl relies on: strsep(3), strtoul(3) as the kernel's str2int64
// uses it, expand_number(3) (14.x: unsigned, base 0, one unit letter) and humanize_number(3).

/** strsep(3) over a mutable cursor: the text up to the first delimiter, or null once exhausted. */
export function strsep(cursor: { rest: string | null }, delims: string): string | null {
  const s = cursor.rest;
  if (s === null) return null;
  for (let i = 0; i < s.length; i++) {
    if (delims.includes(s[i]!)) {
      cursor.rest = s.slice(i + 1);
      return s.slice(0, i);
    }
  }
  cursor.rest = null;
  return s;
}

const U64 = (1n << 64n) - 1n;
const I64 = (1n << 63n) - 1n;

/** strtoul(str, &end, base): value (wrapped like C) and the number of characters consumed. */
export function strtoul(str: string, base: 0 | 10): { value: bigint; used: number; overflow: boolean } {
  const m = /^[\t\n\v\f\r ]*([+-]?)/.exec(str)!;
  let i = m[0].length;
  const neg = m[1] === "-";
  let radix: number = base === 0 ? 10 : base;
  if (base === 0 && str[i] === "0") {
    if ((str[i + 1] === "x" || str[i + 1] === "X") && /[0-9a-fA-F]/.test(str[i + 2] ?? "")) {
      radix = 16;
      i += 2;
    } else radix = 8;
  }
  const digits = radix === 16 ? /^[0-9a-fA-F]+/ : radix === 8 ? /^[0-7]+/ : /^[0-9]+/;
  const d = digits.exec(str.slice(i));
  if (!d) return { value: 0n, used: 0, overflow: false };
  let value = BigInt(radix === 10 ? d[0] : (radix === 16 ? "0x" : "0o") + d[0]);
  const overflow = value > U64;
  if (overflow) value = U64;
  else if (neg) value = (U64 + 1n - value) & U64;
  return { value, used: i + d[0].length, overflow };
}

/** The kernel's str2int64 (kern_rctl.c): whole string, decimal; a value past INT64_MAX is ERANGE. */
export function kernelInt64(str: string): bigint | "EINVAL" | "ERANGE" {
  const { value, used } = strtoul(str, 10);
  if (used !== str.length) return "EINVAL";
  return value > I64 ? "ERANGE" : value;
}

/** expand_number(3) of FreeBSD 14: strtoumax base 0, then at most one unit letter b/k/m/g/t/p/e. */
export function expandNumber(buf: string): bigint | undefined {
  const { value, used, overflow } = strtoul(buf, 0);
  if (used === 0 || overflow) return undefined;
  const shifts: Record<string, bigint> = { b: 0n, k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n };
  const unit = buf[used]?.toLowerCase();
  if (unit === undefined) return value;
  const shift = shifts[unit];
  if (shift === undefined) return undefined;
  if (((value << shift) & U64) >> shift !== value) return undefined;
  return value << shift;
}

/** humanize_number(buf, 6, n, "", HN_AUTOSCALE, HN_DECIMAL | HN_NOSPACE), as rctl -h calls it. */
export function humanize(n: bigint): string {
  const len = 6;
  const prefixes = ["", "K", "M", "G", "T", "P", "E"];
  const divisor = 1024n;
  const deccut = 973n;
  let quotient = n < 0n ? -n : n;
  const sign = n < 0n ? "-" : "";
  const baselen = 1 + (n < 0n ? 2 : 1);
  const max = 10n ** BigInt(len - baselen);
  let remainder = 0n;
  let i = 0;
  while ((quotient >= max || (quotient === max - 1n && (remainder >= deccut || remainder >= divisor / 2n))) && i < 6) {
    remainder = quotient % divisor;
    quotient /= divisor;
    i++;
  }
  if (((quotient === 9n && remainder < deccut) || quotient < 9n) && i > 0) {
    const s1 = quotient + (remainder * 10n + divisor / 2n) / divisor / 10n;
    const s2 = ((remainder * 10n + divisor / 2n) / divisor) % 10n;
    return `${sign}${s1}.${s2}${prefixes[i]}`;
  }
  return `${sign}${quotient + (remainder + divisor / 2n) / divisor}${prefixes[i]}`;
}
