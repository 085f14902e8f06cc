// IPv6 text forms: inet_pton(3) parsing, inet_ntop(3) output as FreeBSD's libc writes it, and the
// modified EUI-64 link-local address in6_ifattach() derives from a MAC address.

/** Parses an IPv6 address (optionally with an embedded IPv4 tail) into 8 groups; undefined if invalid. */
export function inet6Pton(text: string): number[] | undefined {
  let head = text;
  const tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const octets = v4[2]!.split(".").map(Number);
    if (octets.some((o, i) => o > 255 || !/^(0|[1-9]\d{0,2})$/.test(v4[2]!.split(".")[i]!))) return undefined;
    tail.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
    head = v4[1]!.endsWith("::") ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === "") return [];
    const groups = s.split(":");
    if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return undefined;
  const given = left.length + right.length + tail.length;
  if (halves.length === 1) return given === 8 ? [...left, ...tail] : undefined;
  if (given > 7) return undefined;
  return [...left, ...Array<number>(8 - given).fill(0), ...right, ...tail];
}

/** inet_ntop(AF_INET6): longest run (first wins) of two or more zero groups as `::`, IPv4 tails kept. */
export function inet6Ntop(groups: number[]): string {
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (groups[i] === 0) {
      cur = cur.base < 0 ? { base: i, len: 1 } : { base: cur.base, len: cur.len + 1 };
      if (cur.len > best.len) best = { ...cur };
    } else {
      cur = { base: -1, len: 0 };
    }
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (best.base >= 0 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    // lib/libc/inet/inet_ntop.c: ::a.b.c.d (but not ::1) and ::ffff:a.b.c.d print their IPv4 tail.
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 7 && groups[7] !== 1)
      || (best.len === 5 && groups[5] === 0xffff))) {
      out += `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
      return out;
    }
    out += groups[i]!.toString(16);
  }
  if (best.base >= 0 && best.base + best.len === 8) out += ":";
  return out;
}

/** Canonical text of an address, or undefined if it does not parse. */
export function canonicalInet6(text: string): string | undefined {
  const groups = inet6Pton(text);
  return groups ? inet6Ntop(groups) : undefined;
}

/** Whether an address is link-local (fe80::/10), which the kernel scopes to its interface. */
export function isLinkLocal(text: string): boolean {
  const groups = inet6Pton(text);
  return groups !== undefined && (groups[0]! & 0xffc0) === 0xfe80;
}

/** fe80::/64 with the modified EUI-64 interface id of a MAC address (RFC 4291 appendix A). */
export function linkLocalFromMac(mac: string): string {
  const b = mac.split(":").map((h) => parseInt(h, 16));
  return inet6Ntop([0xfe80, 0, 0, 0, ((b[0]! ^ 0x02) << 8) | b[1]!, (b[2]! << 8) | 0xff, 0xfe00 | b[3]!,
    (b[4]! << 8) | b[5]!]);
}
