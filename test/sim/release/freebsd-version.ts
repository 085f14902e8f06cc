// The bin/freebsd-version a release's userland carries. On FreeBSD it is a sh script with the
// userland's version baked in at build time (bin/freebsd-version/freebsd-version.sh.in: a line
// `USERLAND_VERSION="14.3-RELEASE"` made from newvers.sh's REVISION and BRANCH), which is why
// `ROOT/bin/freebsd-version -u` tells the version of any root without running anything of the host.
// This is the simulator's own script with the same interface: -k reads the installed kernel named
// by ROOT/boot/loader.conf (default boot/kernel/kernel), -r asks sysctl, -u prints the baked-in
// version, -j JAIL runs freebsd-version in the jail; lines come in the order k, r, u, j.

/** The script of a userland of `version` (e.g. `15.0-RELEASE`). */
export function freebsdVersionScript(version: string): string {
  if (!/^[0-9]+\.[0-9]+-[A-Z0-9-]+$/.test(version)) throw new Error(`not a FreeBSD version: ${version}`);
  return `#!/bin/sh
#
# freebsd-version: print the installed kernel, running kernel, userland or jail versions
# (simulated FreeBSD userland; see freebsd-version(1)).
#

set -ef

USERLAND_VERSION="${version}"

: \${ROOT:=}
: \${LOADER_DIR:=$ROOT/boot}

progname=\${0##*/}

fail() {
	echo "$progname: $*" >&2
	exit 1
}

usage() {
	echo "usage: $progname [-kru] [-j jail]" >&2
	exit 1
}

# The kernel loader.conf names (kernel=, bootfile=), else boot/kernel/kernel.
installed_kernel() {
	kdir=kernel kfile=kernel
	for conf in $LOADER_DIR/defaults/loader.conf $LOADER_DIR/loader.conf $LOADER_DIR/loader.conf.local; do
		[ -r "$conf" ] || continue
		v=$(sed -n 's/^kernel="*\\([-./0-9A-Z_a-z]*\\)"*.*$/\\1/p' "$conf" | tail -n 1)
		[ -n "$v" ] && kdir=$v
		v=$(sed -n 's/^bootfile="*\\([-./0-9A-Z_a-z]*\\)"*.*$/\\1/p' "$conf" | tail -n 1)
		[ -n "$v" ] && kfile=$v
	done
	echo "$LOADER_DIR/$kdir/$kfile"
}

kernel_version() {
	k=$(installed_kernel)
	[ -f "$k" ] && [ -r "$k" ] || fail "unable to locate kernel"
	sed -n 's/.*@(#)FreeBSD \\([-.0-9A-Za-z]*\\) .*/\\1/p' "$k" | head -n 1
}

k= r= u= jails=
while getopts "kruj:" opt; do
	case $opt in
	k) k=1 ;;
	r) r=1 ;;
	u) u=1 ;;
	j) jails="$jails $OPTARG" ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
[ -n "$k$r$u$jails" ] || u=1

[ -z "$k" ] || kernel_version
[ -z "$r" ] || sysctl -n kern.osrelease
[ -z "$u" ] || echo "$USERLAND_VERSION"
for j in $jails; do
	jexec -- "$j" freebsd-version
done
`;
}
