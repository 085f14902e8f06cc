// The files that define a jail, as rc.d/jail looks for them (libexec/rc/rc.d/jail parse_options:
// `jail_NAME_conf`, by default /etc/jail.NAME.conf, then /etc/jail.conf.d/NAME.conf, then $jail_conf).

export const mainJailConf = "/etc/jail.conf";

/** The file the provider keeps a jail's definition in. */
export function jailConfPath(name: string): string {
  return `/etc/jail.conf.d/${name}.conf`;
}

/** The per-jail file rc.d/jail reads before every other. */
export function perJailConfPath(name: string): string {
  return `/etc/jail.${name}.conf`;
}

/** The files rc.d/jail considers for a jail, in its order. */
export function definitionFiles(name: string): string[] {
  return [perJailConfPath(name), jailConfPath(name), mainJailConf];
}
