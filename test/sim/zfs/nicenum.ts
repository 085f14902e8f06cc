// Number and date formatting as libzutil's zfs_nicenum_format() and libzfs' strftime calls do it.

const UNITS_1024 = ["", "K", "M", "G", "T", "P", "E"];
const UNITS_BYTES = ["B", "K", "M", "G", "T", "P", "E"];

/** zfs_nicenum: 1024-based with K/M/G suffixes and no B (`128K`, `1.50G`, `512`). */
export function nicenum(n: number): string {
  return niceFormat(n, UNITS_1024);
}

/** zfs_nicebytes: like nicenum but bytes below 1K carry a B (`0B`, `512B`, `96K`). */
export function nicebytes(n: number): string {
  return niceFormat(n, UNITS_BYTES);
}

function niceFormat(num: number, units: string[]): string {
  const big = BigInt(Math.max(0, Math.round(num)));
  let n = big;
  let index = 0;
  while (n >= 1024n && index < 6) {
    n /= 1024n;
    index++;
  }
  const unit = units[index] ?? "";
  const divisor = 1024n ** BigInt(index);
  if (index === 0 || big % divisor === 0n) return `${n}${unit}`;
  // The most precise of 2, 1 or 0 decimals that fits in 5 characters (printf "%.*f" rounding).
  for (let decimals = 2; decimals >= 0; decimals--) {
    const text = `${fixedRatio(big, divisor, decimals)}${unit}`;
    if (text.length <= 5 || decimals === 0) return text;
  }
  return `${n}${unit}`;
}

/** Exact decimal rendering of num/den with round-half-even, as glibc/FreeBSD printf does for exact ties. */
function fixedRatio(num: bigint, den: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const scaled = num * scale;
  let q = scaled / den;
  const r = scaled % den;
  if (r * 2n > den || (r * 2n === den && q % 2n === 1n)) q += 1n;
  if (decimals === 0) return q.toString();
  const whole = q / scale;
  const frac = (q % scale).toString().padStart(decimals, "0");
  return `${whole}.${frac}`;
}

/** A ratio stored in hundredths as `1.00` (literal) or `1.00x`. */
export function ratio(hundredths: number, literal: boolean): string {
  const whole = Math.floor(hundredths / 100);
  const frac = String(hundredths % 100).padStart(2, "0");
  return literal ? `${whole}.${frac}` : `${whole}.${frac}x`;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** strftime("%a %b %e %k:%M %Y") in the host's time zone (UTC in the simulator), plus %S when asked. */
export function ctimeShort(epochSeconds: number, withSeconds = false): string {
  const d = new Date(epochSeconds * 1000);
  const day = String(d.getUTCDate()).padStart(2, " ");
  const hour = String(d.getUTCHours()).padStart(2, " ");
  const min = String(d.getUTCMinutes()).padStart(2, "0");
  const sec = String(d.getUTCSeconds()).padStart(2, "0");
  const time = withSeconds ? `${hour}:${min}:${sec}` : `${hour}:${min}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${time} ${d.getUTCFullYear()}`;
}

/** strftime("%a %b %e %H:%M %Y") in the host's time zone (UTC in the simulator): `zfs holds`' TIMESTAMP column. */
export function holdTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const day = String(d.getUTCDate()).padStart(2, " ");
  const hour = String(d.getUTCHours()).padStart(2, "0");
  const min = String(d.getUTCMinutes()).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${hour}:${min} ${d.getUTCFullYear()}`;
}
