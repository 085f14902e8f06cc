#!/bin/sh
# Installs the Debian packages the simulated FreeBSD host needs (bubblewrap for its sandbox,
# dash as its /bin/sh) when they are missing. Runs apt-get only when something is missing.
set -eu
missing=""
command -v bwrap >/dev/null 2>&1 || missing="$missing bubblewrap"
[ -x /usr/bin/dash ] || [ -x /bin/dash ] || missing="$missing dash"
for pkg in "$@"; do
  case "$pkg" in
    openssh-server) [ -x /usr/sbin/sshd ] || missing="$missing openssh-server" ;;
    ansible) command -v ansible-playbook >/dev/null 2>&1 || missing="$missing ansible" ;;
    *) dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg" ;;
  esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "missing Debian packages:$missing (install them as root)" >&2
  exit 1
fi
sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
echo "installing Debian packages:$missing" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
