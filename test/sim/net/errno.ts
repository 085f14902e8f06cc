// errno values the network ioctls return, with FreeBSD's strerror(3) texts (lib/libc/gen/errlst.c).

export const EPERM = 1;
export const ENOENT = 2;
export const ENXIO = 6;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSPC = 28;
export const EOPNOTSUPP = 45;
export const EADDRNOTAVAIL = 49;
export const ENAMETOOLONG = 63;

const MESSAGES: Record<number, string> = {
  [EPERM]: "Operation not permitted",
  [ENOENT]: "No such file or directory",
  [ENXIO]: "Device not configured",
  [EBUSY]: "Device busy",
  [EEXIST]: "File exists",
  [EINVAL]: "Invalid argument",
  [ENOSPC]: "No space left on device",
  [EOPNOTSUPP]: "Operation not supported",
  [EADDRNOTAVAIL]: "Can't assign requested address",
  [ENAMETOOLONG]: "File name too long",
};

/** strerror(errno). */
export function strerror(errno: number): string {
  return MESSAGES[errno] ?? `Unknown error: ${errno}`;
}
