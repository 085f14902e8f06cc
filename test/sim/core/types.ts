// The simulated host's model. "Disk" state survives a reboot; "kernel" state is what a reboot drops,
// one typed part per subsystem (each subsystem's own module defines its part and owns its changes).

import type { JailTable } from "../jail/model.ts";
import type { NetState } from "../net/types.ts";
import type { RctlState } from "../rctl/kernel.ts";
import type { FillExtent } from "../zfs/fill.ts";
import type { PartialReceive } from "../zfs/recv-state.ts";

export type DatasetType = "filesystem" | "volume" | "snapshot";

/** A locally set native property value: numbers for numeric properties, names for index/string ones. */
export type PropValue = number | string;

export interface PoolRecord {
  name: string;
  guid: string;
  sizeBytes: number;
  health: string;
  ashift: number;
  /** The pool's single leaf vdev (`ada0p4`). */
  vdev: string;
  createTxg: number;
  /** Fragmentation in percent. */
  fragmentation: number;
  /** Locally set pool properties (bootfs, comment, autotrim...). */
  props: Record<string, string>;
  /** Features as name -> enabled|active. */
  features: Record<string, string>;
}

/** The ZPL properties fixed at file system creation (reported with source "-"). */
export interface ZplProps {
  version: string;
  utf8only: string;
  normalization: string;
  casesensitivity: string;
}

export interface DatasetRecord {
  type: DatasetType;
  guid: string;
  createtxg: number;
  creation: number;
  objsetid: number;
  /** Locally set native properties. */
  props: Record<string, PropValue>;
  /** Locally set user properties (module:prop). */
  user: Record<string, string>;
  zpl?: ZplProps;
  volsize?: number;
  volblocksize?: number;
  /** Bytes referenced by this dataset or snapshot. */
  refer: number;
  logicalrefer: number;
  /** Bytes written since the previous snapshot. */
  written: number;
  /** Clones: guid of the origin snapshot. */
  origin?: string;
  /** Epoch seconds of the last snapshot create/destroy/rename below this dataset (0: never). */
  snapshotsChanged?: number;
  /** Snapshots: space unique to this snapshot. */
  unique?: number;
  /** Set while `zfs destroy -d` deferred the destruction of a cloned or held snapshot. */
  deferDestroy?: boolean;
  /** Snapshots: user holds (`zfs hold`), tag -> epoch seconds when it was placed; `userrefs` is their count. */
  holds?: Record<string, number>;
  /** Received snapshots: the sender's guid when this host already used it (guid keys the stash), shown as guid. */
  streamGuid?: string;
  /** Synthetic data the dataset holds without the simulator storing it (zfs/fill.ts); snapshots keep theirs. */
  fill?: FillExtent[];
  /** File systems and volumes: a receive cut short under `zfs receive -s` (zfs/recv-state.ts). */
  recv?: PartialReceive;
}

/** What the simulated machine reports about itself (uname, sysctl, freebsd-version). */
export interface HostInfo {
  osrelease: string;
  osreldate: number;
  ncpu: number;
  physmem: number;
  machine: string;
  /** Kernel version string as uname -v prints it. */
  kernVersion: string;
}

export interface DiskState {
  version: 1;
  host: HostInfo;
  /** Last committed transaction group (one counter for the whole host, advanced per change). */
  txg: number;
  txgTime: number;
  nextObjsetId: number;
  pools: Record<string, PoolRecord>;
  /** Every filesystem, volume and snapshot, keyed by full name (`pool/a/b`, `pool/a@snap`). */
  datasets: Record<string, DatasetRecord>;
}

/** A non-ZFS mount (devfs, nullfs, tmpfs...) known to the kernel. */
export interface KernelMount {
  fstype: string;
  special: string;
  path: string;
}

/** The mount table: ZFS file systems (zfs/mount.ts) and the others (devfs, nullfs, tmpfs...). */
export interface MountKernelState {
  /** Mounted ZFS file systems: dataset guid -> mount path (as seen inside the host). */
  zfsMounts: Record<string, string>;
  /** Other mounts; any of them below a dataset's mountpoint makes unmounting it busy. */
  mounts: KernelMount[];
}

/** The sysctl tree's runtime values (tools/sysctl.ts, jail/sysctl-oids.ts). */
export interface SysctlKernelState {
  /** Host name set at boot from /etc/rc.conf (kern.hostname unless changed with sysctl). */
  hostname?: string;
  /** Runtime sysctl values changed with `sysctl name=value`, and loader tunables read at boot. */
  sysctls?: Record<string, string>;
}

export interface KernelState extends MountKernelState, SysctlKernelState {
  version: 1;
  bootTime: number;
  /** Running prisons (jail/model.ts); absent until the first jail since boot. */
  jails?: JailTable;
  /** Interfaces, cloners and vnets (net/types.ts); absent on a kernel from before the network model. */
  net?: NetState;
  /** racct/rctl rules and containers (rctl/kernel.ts); absent until the first rctl call. */
  rctl?: RctlState;
}
