// IPv4 text forms: inet_aton(3) parsing (what ifconfig's in_getip tries first), netmasks as the
// kernel derives them and as ifconfig prints them, and the broadcast address in_aifaddr_ioctl picks.

/** Parses an address like inet_aton(3): 1 to 4 parts, each decimal, 0octal or 0xhex; undefined if invalid. */
export function inetAton(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = parseInt(part, 8);
    else if (/^[1-9][0-9]*$/.test(part)) value = parseInt(part, 10);
    else return undefined;
    if (!Number.isFinite(value)) return undefined;
    values.push(value);
  }
  // The last part fills the remaining bytes: a, a.b (8.24), a.b.c (8.8.16), a.b.c.d.
  const limits = [0xffffffff, 0xffffff, 0xffff, 0xff];
  const last = values.length - 1;
  if (values[last]! > limits[last]!) return undefined;
  let result = 0;
  for (let i = 0; i < last; i++) {
    if (values[i]! > 0xff) return undefined;
    result += values[i]! * 2 ** (24 - 8 * i);
  }
  return (result + values[last]!) >>> 0;
}

/** Dotted-quad text of a 32-bit address. */
export function formatInet4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".");
}

/** The netmask of a prefix length as a 32-bit number. */
export function maskOf(plen: number): number {
  return plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
}

/** Number of one bits in a mask given as `netmask 255.255.255.0` (af_inet.c uses __bitcount32). */
export function bitCount(value: number): number {
  let count = 0;
  for (let v = value >>> 0; v !== 0; v >>>= 1) count += v & 1;
  return count;
}

/** The broadcast address in_aifaddr_ioctl() computes when none is given. */
export function defaultBroadcast(addr: number, plen: number): number {
  // RFC 3021: a /31 has no broadcast address, so the kernel uses INADDR_BROADCAST.
  if (plen === 31) return 0xffffffff;
  return (addr | ~maskOf(plen)) >>> 0;
}

/** The classful prefix length af_inet.c falls back to when no mask is given (in_setdefaultmask_nl). */
export function classfulPrefix(addr: number): number {
  if ((addr & 0x80000000) === 0) return 8;
  if ((addr & 0xc0000000) === 0x80000000) return 16;
  return 24;
}
