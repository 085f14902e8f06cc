// Release media on the simulated host: distribution sets with their MANIFEST (install media's
// /usr/freebsd-dist and a mirror URL), sha256(1), a release's own bin/freebsd-version, the 15.0 mode
// (uname, sysctl, freebsd-version, 15.0's jail parameters) and pkgbase's pkg -r over a file:// repository.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { publishRelease, locationDir } from "./release/publish.ts";
import { publishPkgbaseRepo } from "./release/pkgbase.ts";

const MIRROR = "https://download.freebsd.org/releases/amd64/amd64/14.3-RELEASE";

let h14: SimHost;
let h15: SimHost;

beforeAll(async () => {
  [h14, h15] = await Promise.all([startSimHost(), startSimHost({ release: "15.0-RELEASE" })]);
  publishRelease(h14.stateDir, MIRROR, { version: "14.3-RELEASE", sets: ["base", "kernel", "lib32", "tests"] });
  publishPkgbaseRepo(h15.stateDir, "/usr/local/pkgbase", { version: "15.0-RELEASE" });
  publishPkgbaseRepo(h14.stateDir, "/usr/local/pkgbase", { version: "15.0-RELEASE" });
}, 120_000);

afterAll(async () => {
  await Promise.all([h14?.stop(), h15?.stop()]);
});

const run = async (h: SimHost, cmd: string) => h.exec(cmd);

describe("distribution sets and MANIFEST", () => {
  it("puts install media's sets and their MANIFEST in /usr/freebsd-dist, as make-manifest.sh writes it", async () => {
    const manifest = (await run(h14, "cat /usr/freebsd-dist/MANIFEST")).stdout;
    const lines = manifest.trimEnd().split("\n").map((l) => l.split("\t"));
    expect(lines.map((f) => f[0])).toEqual(["base.txz", "kernel.txz", "lib32.txz"]);
    for (const f of lines) {
      expect(f).toHaveLength(6);
      expect(f[1]).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(f[2])).toBeGreaterThan(0);
    }
    expect(lines[0]!.slice(3)).toEqual(["base", '"Base system (MANDATORY)"', "on"]);
    expect(lines[2]!.slice(3)).toEqual(["lib32", '"32-bit compatibility libraries"', "on"]);
    const sum = await run(h14, "sha256 -q /usr/freebsd-dist/base.txz");
    expect(sum).toEqual({ stdout: `${lines[0]![1]}\n`, stderr: "", code: 0 });
    // The entry count is bsdinstall's progress total: `tar tvf | wc -l`.
    expect((await run(h14, "tar -tf /usr/freebsd-dist/base.txz | wc -l")).stdout.trim()).toBe(lines[0]![2]);
  });

  it("serves a release mirror's MANIFEST and sets to fetch(1)", async () => {
    const r = await run(h14, `fetch -q -o - ${MIRROR}/MANIFEST`);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0])).toEqual(["base.txz", "kernel.txz", "lib32.txz", "tests.txz"]);
    expect(r.stdout).toContain('\ttests\t"Test suite"\toff\n');
    expect((await run(h14, `mkdir -p /var/tmp/dl && fetch -q -o /var/tmp/dl/base.txz ${MIRROR}/base.txz`)).code).toBe(0);
    const sum = (await run(h14, "sha256 -q /var/tmp/dl/base.txz")).stdout.trim();
    expect(r.stdout).toContain(`base.txz\t${sum}\t`);
  });

  it("extracts a userland whose bin/freebsd-version reports the release, and its kernel set for -k", async () => {
    const r = await run(h14, "mkdir -p /jails/r && tar -xpf /usr/freebsd-dist/base.txz -C /jails/r && tar -xpf /usr/freebsd-dist/kernel.txz -C /jails/r"
      + " && /jails/r/bin/freebsd-version -u && ROOT=/jails/r /jails/r/bin/freebsd-version -ku && grep USERLAND_VERSION= /jails/r/bin/freebsd-version");
    expect(r).toEqual({ stdout: "14.3-RELEASE\n14.3-RELEASE\n14.3-RELEASE\nUSERLAND_VERSION=\"14.3-RELEASE\"\n", stderr: "", code: 0 });
    expect(await run(h14, "/jails/r/bin/freebsd-version -x")).toMatchObject({ code: 1, stderr: expect.stringContaining("usage: freebsd-version [-kru] [-j jail]") });
  });
});

describe("sha256(1)", () => {
  it("prints the BSD, -q and -r forms, compares with -c, and warns about a missing file", async () => {
    await run(h14, "printf abc > /tmp/abc");
    const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    expect((await run(h14, "sha256 /tmp/abc")).stdout).toBe(`SHA256 (/tmp/abc) = ${abc}\n`);
    expect((await run(h14, "sha256 -q /tmp/abc")).stdout).toBe(`${abc}\n`);
    expect((await run(h14, "sha256 -r /tmp/abc")).stdout).toBe(`${abc} /tmp/abc\n`);
    expect((await run(h14, "sha256 -s abc")).stdout).toBe(`SHA256 ("abc") = ${abc}\n`);
    expect((await run(h14, "printf abc | sha256")).stdout).toBe(`${abc}\n`);
    expect(await run(h14, `sha256 -c ${abc} /tmp/abc`)).toEqual({ stdout: `SHA256 (/tmp/abc) = ${abc}\n`, stderr: "", code: 0 });
    expect(await run(h14, "sha256 -c 00 /tmp/abc")).toEqual({ stdout: `SHA256 (/tmp/abc) = ${abc} [ Failed ]\n`, stderr: "", code: 2 });
    expect(await run(h14, "sha256 -q /tmp/nope /tmp/abc")).toEqual({ stdout: `${abc}\n`, stderr: "sha256: /tmp/nope: No such file or directory\n", code: 1 });
    expect(await run(h14, "sha256 -z")).toEqual({ stdout: "", stderr: "sha256: illegal option -- z\nusage: sha256 [-pqrtx] [-c string] [-s string] [files ...]\n", code: 1 });
  });
});

describe("FreeBSD 15.0 mode", () => {
  it("reports 15.0 from uname, sysctl and freebsd-version", async () => {
    expect((await run(h15, "uname -r; uname -K; sysctl -n kern.osrelease kern.osreldate; freebsd-version -kru")).stdout)
      .toBe("15.0-RELEASE\n1500068\n15.0-RELEASE\n1500068\n15.0-RELEASE\n15.0-RELEASE\n15.0-RELEASE\n");
    expect((await run(h15, "head -n 1 /usr/freebsd-dist/MANIFEST | cut -f 1,4")).stdout).toBe("base.txz\tbase\n");
    expect((await run(h15, "mkdir /r && tar -xpf /usr/freebsd-dist/base.txz -C /r && /r/bin/freebsd-version")).stdout).toBe("15.0-RELEASE\n");
  });

  it("has 15.0's jail parameters, which 14.3 does not", async () => {
    const names15 = (await run(h15, "sysctl -N security.jail.param")).stdout.split("\n");
    for (const p of ["meta", "env", "allow.routing", "allow.unprivileged_parent_tampering", "allow.setaudit"]) {
      expect(names15).toContain(`security.jail.param.${p}`);
    }
    const names14 = (await run(h14, "sysctl -N security.jail.param")).stdout;
    expect(names14).not.toContain("security.jail.param.meta");
    expect(names14).not.toContain("allow.routing");
    expect(await run(h15, "jail -c name=m15 path=/ persist meta='owner=ops' allow.routing && jls -j m15 meta allow.routing && jail -r m15"))
      .toMatchObject({ stdout: "owner=ops true\n", code: 0 });
    expect(await run(h14, "jail -c name=m14 path=/ persist meta=x")).toMatchObject({ code: 1, stderr: "jail: unknown parameter: meta\n" });
  });

  it("keeps /etc/pkg/FreeBSD.conf with the FreeBSD-base repository disabled", async () => {
    const conf = (await run(h15, "cat /etc/pkg/FreeBSD.conf")).stdout;
    const base = conf.slice(conf.indexOf("FreeBSD-base: {"));
    expect(base).toContain('url: "pkg+https://pkg.FreeBSD.org/${ABI}/base_release_${VERSION_MINOR}"');
    expect(base).toContain("enabled: no\n}");
    expect((await run(h14, "test -e /etc/pkg/FreeBSD.conf")).code).toBe(1);
  });
});

describe("pkgbase: pkg -r ROOT install", () => {
  const repos = "mkdir -p /tmp/repos && printf 'FreeBSD-base: { url: \"file:///usr/local/pkgbase\", signature_type: \"none\", enabled: yes }\\n' > /tmp/repos/base.conf";
  const pkg = "pkg -r /jails/p15 -R /tmp/repos -o IGNORE_OSVERSION=yes";

  it("installs a package set and its dependencies into an empty root that then reports 15.0", async () => {
    const r = await run(h15, `${repos} && mkdir -p /jails/p15 && ${pkg} install -y -r FreeBSD-base FreeBSD-set-minimal-jail`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Updating FreeBSD-base repository catalogue...");
    expect(r.stdout).toMatch(/New packages to be INSTALLED:\n(\t.*\n)*\tFreeBSD-runtime: 15\.0 \[FreeBSD-base\]\n/);
    expect(r.stdout).toContain("Number of packages to be installed: 5");
    expect((await run(h15, "/jails/p15/bin/freebsd-version -u")).stdout).toBe("15.0-RELEASE\n");
    expect((await run(h15, `${pkg} info`)).stdout.split("\n").filter(Boolean).map((l) => l.split(/\s+/)[0]))
      .toEqual(["FreeBSD-clibs-15.0", "FreeBSD-rc-15.0", "FreeBSD-runtime-15.0", "FreeBSD-set-minimal-jail-15.0", "FreeBSD-utilities-15.0"]);
    expect((await run(h15, `${pkg} install -y FreeBSD-set-minimal-jail`)).stdout).toContain("already installed");
  });

  it("refuses unknown names, a package whose file fails its checksum, another ABI and an unsigned repository said to be signed", async () => {
    expect(await run(h15, `mkdir -p /jails/q && pkg -r /jails/q -R /tmp/repos install -y FreeBSD-set-nope`))
      .toMatchObject({ code: 1, stderr: "pkg: No packages available to install matching 'FreeBSD-set-nope' have been found in the repositories\n" });
    const vi = join(locationDir(h15.stateDir, "/usr/local/pkgbase"), "All/FreeBSD-vi-15.0.pkg");
    const good = readFileSync(vi);
    writeFileSync(vi, Buffer.concat([good, Buffer.from("x")]));
    expect(await run(h15, `pkg -r /jails/q -R /tmp/repos install -y FreeBSD-vi`))
      .toMatchObject({ code: 1, stderr: "pkg: FreeBSD-vi-15.0 failed checksum from repository\n" });
    writeFileSync(vi, good);
    expect((await run(h15, "test -e /jails/q/usr/share/vi/README")).code).toBe(1);
    expect(await run(h14, `${repos} && mkdir -p /jails/q && pkg -r /jails/q -R /tmp/repos install -y FreeBSD-set-minimal-jail`))
      .toMatchObject({ code: 1, stderr: "pkg: wrong architecture: FreeBSD:15:amd64 instead of FreeBSD:14:amd64\n" });
    expect((await run(h14, `pkg -r /jails/q -R /tmp/repos -o ABI=FreeBSD:15:amd64 install -y FreeBSD-set-minimal-jail && /jails/q/bin/freebsd-version`)).stdout)
      .toContain("15.0-RELEASE\n");
    const signed = "mkdir -p /tmp/srepos && printf 'B: { url: \"file:///usr/local/pkgbase\", signature_type: \"fingerprints\", fingerprints: \"/usr/share/keys/pkgbase-15\" }\\n' > /tmp/srepos/b.conf";
    expect((await run(h15, `${signed} && mkdir -p /jails/s && pkg -r /jails/s -R /tmp/srepos install -y FreeBSD-vi`)).stderr)
      .toBe("pkg: Error opening the trusted directory /jails/s/usr/share/keys/pkgbase-15/trusted\nUnable to update repository B\nError updating repositories!\n");
    expect((await run(h15, "pkg -r /nonexistent info")).stderr).toBe("pkg: Unable to open rootdir /nonexistent: No such file or directory\n");
  });
});
