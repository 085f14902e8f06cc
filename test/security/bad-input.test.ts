import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderClient, ValueMap } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { targetOnSim, type TestTarget } from "../lifecycle/target.ts";
import { configuredProvider, PROVIDER_URN, urnOf } from "./provider.ts";

// Bad input (issue 13): a table per resource type, and one for the provider config, of invalid inputs
// and the exact failures Check gives them through the plugin: the property named as the engine names
// it (so it is shown at that input), the rule stated. None of them reaches the host: it sees no exec.

let sim: SimHost;
let target: TestTarget;
let provider: ProviderClient;
let execsBefore = 0;

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot");
  provider = await configuredProvider(target.config);
  execsBefore = sim.stats.execChannels;
});
afterAll(async () => {
  await provider?.kill();
  await sim?.stop();
});

type Row = [inputs: Record<string, unknown>, failures: [property: string, reason: string][]];

const TABLES: Record<string, Row[]> = {
  "freebsd:zfs:Dataset": [
    [{"name": "zroot/a b;c"}, [["name", "name: invalid character \";\": only letters, digits, '_', '-', '.', ':', ' ' and '/' are allowed"]]],
    [{"name": "zroot"}, [["name", "name: must name a dataset inside a pool, as pool/dataset (a pool's root dataset is not managed)"]]],
    [{"name": "zroot/x", "properties": {"compression": "zstd-99"}}, [["properties.compression", "properties.compression: value \"zstd-99\" must be one of on | off | lzjb | gzip | gzip-1 | gzip-2 | gzip-3 | gzip-4 | gzip-5 | gzip-6 | gzip-7 | gzip-8 | gzip-9 | zle | lz4 | zstd | zstd-1 | zstd-2 | zstd-3 | zstd-4 | zstd-5 | zstd-6 | zstd-7 | zstd-8 | zstd-9 | zstd-10 | zstd-11 | zstd-12 | zstd-13 | zstd-14 | zstd-15 | zstd-16 | zstd-17 | zstd-18 | zstd-19 | zstd-fast | zstd-fast-1 | zstd-fast-2 | zstd-fast-3 | zstd-fast-4 | zstd-fast-5 | zstd-fast-6 | zstd-fast-7 | zstd-fast-8 | zstd-fast-9 | zstd-fast-10 | zstd-fast-20 | zstd-fast-30 | zstd-fast-40 | zstd-fast-50 | zstd-fast-60 | zstd-fast-70 | zstd-fast-80 | zstd-fast-90 | zstd-fast-100 | zstd-fast-500 | zstd-fast-1000"]]],
    [{"name": "zroot/x", "properties": {"org.x:y": "a\nb"}}, [["properties[\"org.x:y\"]", "properties[\"org.x:y\"]: value \"a\\nb\" must not contain control characters (NUL, newline, carriage return, TAB)"]]],
    [{"name": "zroot/x", "properties": {"bad key": "1"}}, [["properties[\"bad key\"]", "properties[\"bad key\"]: is not a ZFS property (user properties need a ':', as in `com.example:owner`)"]]],
    [{"name": "zroot/x", "type": "volume"}, [["volsize", "volsize: is required for a volume"]]],
    [{"name": "zroot/x", "volsize": "1G"}, [["volsize", "volsize: applies only to volumes (type: volume)"]]],
    [{"name": "zroot/x", "quota": "1G"}, [["quota", "quota: is not an input of this resource (check its spelling)"]]],
    [{"name": "zroot/x", "cloneFrom": "zroot/y"}, [["cloneFrom", "cloneFrom: must name a snapshot as pool/dataset@snapshot"]]],
    [{"name": "zroot/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, [["name", "name: must be at most 255 characters (it has 306)"]]],
  ],
  "freebsd:zfs:Snapshot": [
    [{"dataset": "zroot/x", "name": "a@b"}, [["name", "name: invalid character \"@\": only letters, digits, '_', '-', '.', ':' and ' ' are allowed"]]],
    [{"dataset": "zroot/x", "name": "s", "holds": ["a\nb"]}, [["holds[0]", "holds[0]: must not contain control characters (TAB, newline, ...)"]]],
    [{"dataset": "zroot/x", "name": "s", "properties": {"compression": "on"}}, [["properties.compression", "properties.compression: snapshots take only user properties (`module:property`); native properties cannot be set on a snapshot"]]],
  ],
  "freebsd:zfs:Rollback": [
    [{"dataset": "zroot/x", "snapshot": "s", "restartJail": "a;b"}, [["restartJail", "restartJail: invalid character \";\": only letters, digits, '_' and '-' are allowed"]]],
  ],
  "freebsd:jail:Jail": [
    [{"name": "a;b", "path": "/j"}, [["name", "name: invalid character \";\": only letters, digits, '_' and '-' are allowed"]]],
    [{"name": "j", "path": "rel"}, [["path", "path: must be an absolute path"]]],
    [{"name": "j", "path": "/j", "ip4": ["-rf"]}, [["ip4[0]", "ip4[0]: \"-rf\": is not an IPv4 address"]]],
    [{"name": "j", "path": "/j", "ip6": ["::1", "nope"]}, [["ip6[1]", "ip6[1]: \"nope\": is not an IPv6 address"]]],
    [{"name": "j", "path": "/j", "parameters": {"no.such": "1"}}, [["parameters[\"no.such\"]", "parameters[\"no.such\"]: is not a jail(8) parameter of FreeBSD 14 (see jail(8) for the list)"]]],
    [{"name": "j", "path": "/j", "allow": {"x;y": true}}, [["allow[\"x;y\"]", "allow[\"x;y\"]: must be lowercase words of letters, digits and '_' separated by '.'"]]],
    [{"name": "j", "path": "/j", "exec": {"consolelog": "log"}}, [["exec.consolelog", "exec.consolelog: must be an absolute path"]]],
    [{"name": "j", "path": "/j", "cpus": "3-1"}, [["cpus", "cpus: must be a list of CPU numbers and ranges such as 0-3 or 2,4 (ascending ranges, CPUs 0 to 1023)"]]],
    [{"name": "j", "path": "/j", "vnet": true, "ip4": ["10.0.0.1"]}, [["ip4", "ip4: a VNET jail has its own network stack: configure its addresses inside the jail, not with ip4/ip6"]]],
    [{"name": "j", "path": "/j", "vnetInterfaces": ["e0b"]}, [["vnetInterfaces", "vnetInterfaces: needs vnet: true"]]],
  ],
  "freebsd:jail:Command": [
    [{"jail": "a;b", "create": "true"}, [["jail", "jail: invalid character \";\": only letters, digits, '_' and '-' are allowed"]]],
    [{"jail": "j", "create": "true", "environment": {"A-B": "1"}}, [["environment[\"A-B\"]", "environment[\"A-B\"]: must be a variable name: letters, digits and '_', not starting with a digit"]]],
    [{"jail": "j", "create": "true", "environment": {"A": "a\u0000b"}}, [["environment.A", "environment.A: must not contain a NUL byte: an environment value ends at the first one"]]],
  ],
  "freebsd:network:Bridge": [
    // Longer than SIOCSIFDESCR takes: it failed at create (found by the injection fuzzing).
    [{ name: "lan0", description: "x".repeat(1024) }, [["description", "description: must be at most 1023 bytes (the kernel's net.ifdescr_maxlen is 1024 with the NUL); it has 1024"]]],
    [{"name": "br;0"}, [["name", "name: must start with a lower-case letter and hold only lower-case letters, digits and '_' (rc.d/netif names its variables after the interface)"]]],
    [{"name": "averyveryverylongname"}, [["name", "name: averyveryverylongname has 21 characters; it can have at most 15 (FreeBSD interface names are at most 15 characters, IFNAMSIZ 16 with the NUL), e.g. averyveryverylo"]]],
    [{"name": "lan0", "description": "a\"b"}, [["description", "description: must not contain \"\\\"\": sysrc writes values into rc.conf unescaped (it is kept in ifconfig_lan0_descr)"]]],
    [{"name": "lan0", "addresses": ["10.0.0.1"]}, [["addresses[0]", "addresses[0]: must be an IPv4 or IPv6 address with its prefix length, e.g. 192.0.2.1/24 or 2001:db8::1/64"]]],
    [{"name": "lan0", "members": ["em0;x"]}, [["members[0]", "members[0]: must be an interface name (letters, digits, '_', '.')"]]],
    [{"name": "lan0", "mtu": 10}, [["mtu", "mtu: Too small: expected number to be >=576"]]],
  ],
  "freebsd:network:Epair": [
    [{ name: "ep0", description: "é".repeat(512) }, [["description", "description: must be at most 1023 bytes (the kernel's net.ifdescr_maxlen is 1024 with the NUL); it has 1024"]]],
    [{"name": "ep$0"}, [["name", "name: must start with a lower-case letter and hold only lower-case letters, digits and '_' (rc.d/netif names its variables after the interface)"]]],
    [{"name": "ep0", "hostEther": "zz:00:00:00:00:00"}, [["hostEther", "hostEther: must be six hex octets separated by ':' (e.g. 02:00:5e:10:00:01)"]]],
    [{"name": "ep0", "description": "$(x)"}, [["description", "description: must not contain \"$\": sysrc writes values into rc.conf unescaped (it is kept in ifconfig_ep0a_descr)"]]],
    [{"name": "ep0", "bridge": "br 0"}, [["bridge", "bridge: must be a bridge's interface name (at most 15 lower-case letters, digits, '_')"]]],
  ],
  "freebsd:rctl:Limit": [
    [{"subject": "jail:a:b", "resource": "memoryuse", "action": "deny", "amount": "1g"}, [["subject", "subject: the id must not contain ':', '=', '/' or spaces (rctl splits rules on them)"]]],
    [{"subject": "jail:web", "resource": "memoryuse", "action": "deny", "amount": "1x"}, [["amount", "amount: must be a whole number of bytes, optionally with one of rctl's unit letters k, m, g, t, p, e (1024-based), e.g. 512m"]]],
    [{"subject": "jail:web", "resource": "nope", "action": "deny", "amount": "1"}, [["resource", "resource: Invalid option: expected one of \"cputime\"|\"datasize\"|\"stacksize\"|\"coredumpsize\"|\"memoryuse\"|\"memorylocked\"|\"maxproc\"|\"openfiles\"|\"vmemoryuse\"|\"pseudoterminals\"|\"swapuse\"|\"nthr\"|\"msgqqueued\"|\"msgqsize\"|\"nmsgq\"|\"nsem\"|\"nsemop\"|\"nshm\"|\"shmsize\"|\"wallclock\"|\"pcpu\"|\"readbps\"|\"writebps\"|\"readiops\"|\"writeiops\""]]],
    [{"subject": "jail:web", "resource": "maxproc", "action": "throttle", "amount": "1"}, [["action", "action: throttle applies only to readbps, writebps, readiops and writeiops"]]],
    [{"subject": "jail:web", "resource": "maxproc", "action": "deny", "amount": "1\njail:x:maxproc:deny=1"}, [["amount", "amount: must be a whole number of items (no unit letter)"]]],
    [{"subject": "process:abc", "resource": "maxproc", "action": "deny", "amount": "1"}, [["subject", "subject: the pid must be a positive number"]]],
  ],
  "freebsd:jail:Release": [
    [{"version": "14.3", "dataset": "zroot/r", "source": {"mirror": "/x"}}, [["version", "version: must be a release as freebsd-version names it without a patch level, e.g. 14.3-RELEASE or 15.0-BETA2"]]],
    [{"version": "14.3-RELEASE", "dataset": "zroot/r", "source": {}}, [["source", "source: must name exactly one of mirror or pkgbase"]]],
    [{"version": "14.3-RELEASE", "dataset": "zroot/r", "source": {"mirror": "/x", "sets": ["base;rm"]}}, [["source.sets[0]", "source.sets[0]: must be a set name: lower-case letters, digits, '-' and '_'"]]],
  ],
  "freebsd:zfs:Replica": [
    [{"source": {"host": ""}, "sourceDataset": "zroot/a", "dataset": "zroot/b"}, [["source.host", "source.host: Too small: expected string to have >=1 characters"]]],
    [{"source": {"host": "h", "port": 0}, "sourceDataset": "zroot/a", "dataset": "zroot/b"}, [["source.port", "source.port: Too small: expected number to be >=1"]]],
    [{"source": {"host": "h", "become": "su"}, "sourceDataset": "zroot/a", "dataset": "zroot/b"}, [["source.become", "source.become: Invalid option: expected one of \"none\"|\"sudo\"|\"doas\""]]],
    [{"source": {"host": "h", "privateKeyPassword": "a", "privateKeyPassphrase": "b"}, "sourceDataset": "zroot/a", "dataset": "zroot/b"}, [["source.privateKeyPassword", "source.privateKeyPassword: set beside source.privateKeyPassphrase, to a different value (privateKeyPassword is pulumi-command's name for privateKeyPassphrase): set only one of them"]]],
  ],
};

/** Config as `pulumi config set` stores it (text), each row on top of a working config. */
const CONFIG: Row[] = [
  [{"port": "0"}, [["port", "freebsd:port: Too small: expected number to be >=1"]]],
  [{"port": "ssh"}, [["port", "freebsd:port: Invalid input: expected number, received string"]]],
  [{"become": "su"}, [["become", "freebsd:become: Invalid option: expected one of \"none\"|\"sudo\"|\"doas\""]]],
  [{"hosts": "x"}, [["hosts", "unknown configuration key freebsd:hosts; known keys: host, port, user, privateKey, privateKeyPassphrase, privateKeyPassword, password, agent, agentSocketPath, hostKey, knownHostsFile, insecureIgnoreHostKey, connectTimeout, perDialTimeout, dialErrorLimit, proxy, become, maxSessions"]]],
  [{"host": ""}, [["host", "freebsd:host: Too small: expected string to have >=1 characters"]]],
  [{"proxy": {"host": "b", "port": 70000}}, [["proxy", "freebsd:proxy.port: Too big: expected number to be <=65535"]]],
  [{"privateKeyPassword": "pw-one", "privateKeyPassphrase": "pw-two"}, [["privateKeyPassword", "freebsd:privateKeyPassword: set beside freebsd:privateKeyPassphrase, to a different value (privateKeyPassword is pulumi-command's name for privateKeyPassphrase): set only one of them"]]],
  [{"maxSessions": "0"}, [["maxSessions", "freebsd:maxSessions: Too small: expected number to be >=1"]]],
  [{"connectTimeout": "-1"}, [["connectTimeout", "freebsd:connectTimeout: Too small: expected number to be >=1"]]],
  [{"dialErrorLimit": "x"}, [["dialErrorLimit", "freebsd:dialErrorLimit: Invalid input: expected number, received string"]]],
];

describe("invalid inputs are refused at Check with the property and the rule", () => {
  for (const [token, rows] of Object.entries(TABLES)) {
    it.each(rows)(`${token} %j`, async (inputs, failures) => {
      const r = await provider.check({ urn: urnOf(token, "bad"), olds: {}, news: inputs as ValueMap, allowUnknowns: false });
      expect(r.failures.map((f) => [f.property, f.reason])).toEqual(failures);
    });
  }

  it.each(CONFIG)("config %j", async (settings, failures) => {
    const news = { ...(target.config as Record<string, unknown>), ...settings } as ValueMap;
    const r = await provider.checkConfig({ urn: PROVIDER_URN, olds: {}, news, allowUnknowns: false });
    expect(r.failures.map((f) => [f.property, f.reason])).toEqual(failures);
  });

  it("covers every resource type, and none of it reached the host", () => {
    expect(Object.keys(TABLES).sort()).toEqual([
      "freebsd:jail:Command", "freebsd:jail:Jail", "freebsd:jail:Release", "freebsd:network:Bridge", "freebsd:network:Epair",
      "freebsd:rctl:Limit", "freebsd:zfs:Dataset", "freebsd:zfs:Replica", "freebsd:zfs:Rollback", "freebsd:zfs:Snapshot",
    ]);
    expect(sim.stats.execChannels - execsBefore).toBe(0);
  });
});
