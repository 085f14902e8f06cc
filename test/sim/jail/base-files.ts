// Base-system files the jail tools rely on: /etc/defaults/rc.conf (FreeBSD 14.3's defaults for the
// knobs the simulator reads, and source_rc_confs() as the real file defines it), /etc/rc.d/jail,
// and /usr/freebsd-dist/base.txz, a userland to extract into a jail's root
// (`tar -xf /usr/freebsd-dist/base.txz -C /jails/www`), as install media carry it, with its MANIFEST.

import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { StatePaths } from "../core/paths.ts";
import { buildDistSets } from "../release/dist-sets.ts";
import { loadDisk } from "../core/store.ts";

/** /etc/defaults/rc.conf: the sections of FreeBSD 14.3's file for the knobs the simulator uses. */
export const DEFAULTS_RC_CONF = `#!/bin/sh

# Default settings of the rc(8) scripts (simulated FreeBSD 14.3). Do not edit: override
# them in one of the \${rc_conf_files}. See rc.conf(5).

##############################################################
###  Important initial Boot-time options  ####################
##############################################################

rc_debug="NO"		# Set to YES to enable debugging output from rc.d
rc_info="NO"		# Enables display of informational messages at boot.
rc_startmsgs="YES"	# Show "Starting foo:" messages at boot
rcshutdown_timeout="90" # Seconds to wait before terminating rc.shutdown
early_late_divider="FILESYSTEMS"	# Script that separates early/late
			# stages of the boot process.  Make sure you know
			# the ramifications if you change this.
			# See rc.conf(5) for more details.
always_force_depends="NO"	# Set to check that indicated dependencies are
				# running during boot (can increase boot time).

rc_conf_files="/etc/rc.conf /etc/rc.conf.local"

# ZFS support
zfs_enable="NO"		# Set to YES to automatically mount ZFS file systems
zfs_bootonce_activate="NO" # Set YES to make successful bootonce BE permanent

##############################################################
###  Network configuration sub-section  ######################
##############################################################

### Basic network and firewall/security options: ###
hostname=""			# Set this!
hostid_enable="YES"		# Set host UUID.
hostid_file="/etc/hostid"	# File with hostuuid.
network_interfaces="auto"	# List of network interfaces (or "auto").
cloned_interfaces=""		# List of cloned network interfaces to create.
ipv6_network_interfaces="auto"	# List of IPv6 network interfaces
ipv6_activate_all_interfaces="NO"	# If NO, interfaces which have no
					# corresponding $ifconfig_IF_ipv6 is
					# marked as IFDISABLED for security
					# reason.

##############################################################
###  Mail Transfer Agent (MTA) options  ######################
##############################################################

sendmail_enable="NONE"	# Run the sendmail inbound daemon (YES/NO/NONE).

##############################################################
###  Miscellaneous administrative options  ###################
##############################################################

cron_enable="YES"	# Run the periodic job daemon.
syslogd_enable="YES"	# Run syslog daemon (or NO).
sshd_enable="NO"	# Enable sshd
ntpd_enable="NO"	# Run ntpd Network Time Protocol (or NO).
rctl_enable="YES"	# Load rctl(8) rules on boot
rctl_rules="/etc/rctl.conf" # rctl(8) ruleset. See rctl.conf(5).

##############################################################
### Jail Configuration (see rc.conf(5) manual page) ##########
##############################################################
jail_enable="NO"	# Set to NO to disable starting of any jails
jail_conf="/etc/jail.conf"	# Location of jail.conf(5) file
jail_parallel_start="NO"	# Start jails in the background
jail_list=""		# Space separated list of names of jails
jail_reverse_stop="NO"	# Stop jails in reverse order

# source_rc_confs: reads each of the rc_conf_files once, in order (used by rc.subr and sysrc).
if [ -z "\${source_rc_confs_defined}" ]; then
	source_rc_confs_defined=yes
	source_rc_confs() {
		local i sourced_files
		for i in \${rc_conf_files}; do
			case \${sourced_files} in
			*:$i:*) ;;
			*)
				sourced_files="\${sourced_files}:$i:"
				if [ -r $i ]; then
					. $i
				fi
				;;
			esac
		done
	}
fi
`;

function writeIfMissing(path: string, text: string, mode = 0o644): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

/**
 * Writes the jail-related base files a host lacks (run at every start, after the tool wrappers):
 * /etc/defaults/rc.conf, and install media's /usr/freebsd-dist (base, kernel and lib32 sets of the
 * host's own release, with their MANIFEST; release/dist-sets.ts).
 */
export function writeJailBaseFiles(paths: StatePaths, release?: string): void {
  const r = (p: string): string => join(paths.root, p);
  release ??= existsSync(paths.disk) ? loadDisk(paths).host.osrelease : "14.3-RELEASE";
  writeIfMissing(r("etc/defaults/rc.conf"), DEFAULTS_RC_CONF);
  // The archives copy the host's userland, so they wait until the root file system is written.
  if (!existsSync(r("usr/freebsd-dist/MANIFEST")) && existsSync(r("etc/passwd"))) {
    buildDistSets(paths, release, ["base", "kernel", "lib32"], r("usr/freebsd-dist"));
  }
}
