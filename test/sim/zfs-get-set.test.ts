// zfs get / set / inherit / list through SSH: output formats, sources, validation and refusals.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;

beforeAll(async () => {
  host = await startSimHost({ pools: [{ name: "tank" }] });
  ssh = await connect(host);
  await ssh.run("zfs create -o quota=10G tank/jails && zfs create tank/jails/www && zfs create -V 1G tank/vol");
});

afterAll(async () => {
  ssh?.end();
  await host?.stop();
});

describe("zfs get", () => {
  it("prints tab-separated literal values with -H -p", async () => {
    const res = await ssh.run("zfs get -H -p -o name,property,value,source quota,compression,atime,mountpoint tank/jails");
    expect(res.stdout).toBe("tank/jails\tquota\t10737418240\tlocal\ntank/jails\tcompression\ton\tdefault\n"
      + "tank/jails\tatime\ton\tdefault\ntank/jails\tmountpoint\t/tank/jails\tdefault\n");
  });

  it("prints a padded table with a header without -H", async () => {
    const res = await ssh.run("zfs get quota,used tank/jails");
    expect(res.stdout).toBe([
      "NAME        PROPERTY  VALUE  SOURCE",
      "tank/jails  quota     10G    local",
      "tank/jails  used      192K   -",
      "",
    ].join("\n"));
  });

  it("shows bsdinstall's layout with local and inherited sources", async () => {
    const res = await ssh.run("zfs get -H -o name,value,source compression,atime,mountpoint,canmount zroot zroot/var/log zroot/ROOT/default");
    expect(res.stdout).toBe([
      "zroot\tlz4\tlocal", "zroot\toff\tlocal", "zroot\t/zroot\tlocal", "zroot\ton\tdefault",
      "zroot/ROOT/default\tlz4\tinherited from zroot", "zroot/ROOT/default\toff\tinherited from zroot",
      "zroot/ROOT/default\t/\tlocal", "zroot/ROOT/default\tnoauto\tlocal",
      "zroot/var/log\tlz4\tinherited from zroot", "zroot/var/log\toff\tinherited from zroot",
      "zroot/var/log\t/var/log\tinherited from zroot/var", "zroot/var/log\ton\tdefault", "",
    ].join("\n"));
  });

  it("lists every property of a file system for `all`, in zfs_prop_t order", async () => {
    const res = await ssh.run("zfs get -H -o property all tank/jails/www");
    const props = res.stdout.trim().split("\n");
    expect(props.slice(0, 8)).toEqual(["type", "creation", "used", "available", "referenced", "compressratio",
      "mounted", "quota"]);
    expect(props).toContain("jailed");
    expect(props).not.toContain("origin");
    expect(props).not.toContain("volsize");
    expect(props.at(-1)).toBe("prefetch");
  });

  it("prints `-` for properties that do not apply and for unset user properties", async () => {
    const res = await ssh.run("zfs get -H volsize,com.example:tag tank/jails");
    expect(res.stdout).toBe("tank/jails\tvolsize\t-\t-\ntank/jails\tcom.example:tag\t-\t-\n");
  });

  it("recurses with -r and limits depth with -d, filters by type and source", async () => {
    expect((await ssh.run("zfs get -H -r -o name quota tank")).stdout).toBe("tank\ntank/jails\ntank/jails/www\ntank/vol\n");
    expect((await ssh.run("zfs get -H -d 1 -o name quota tank")).stdout).toBe("tank\ntank/jails\ntank/vol\n");
    expect((await ssh.run("zfs get -H -r -t volume -o name type tank")).stdout).toBe("tank/vol\n");
    expect((await ssh.run("zfs get -H -r -s local -o name,value quota tank")).stdout).toBe("tank/jails\t10G\n");
  });

  it("rejects bad property lists and options with usage, exit 2", async () => {
    const bad = await ssh.run("zfs get nosuchprop tank");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^bad property list: invalid property 'nosuchprop'\nusage:\n\tget \[-rHp\]/);
    const col = await ssh.run("zfs get -o bogus all tank");
    expect(col.code).toBe(2);
    expect(col.stderr).toMatch(/^invalid column name 'bogus'\n/);
  });

  it("keeps going after a missing dataset and exits 1", async () => {
    const res = await ssh.run("zfs get -H -o name type tank/nope tank");
    expect(res).toEqual({ stdout: "tank\n", stderr: "cannot open 'tank/nope': dataset does not exist\n", code: 1 });
  });
});

describe("zfs set and inherit", () => {
  it("sets native and user properties silently; children inherit them", async () => {
    expect(await ssh.run("zfs set compression=zstd com.example:tag='two words' tank/jails"))
      .toEqual({ stdout: "", stderr: "", code: 0 });
    const res = await ssh.run("zfs get -H -o name,value,source compression,com.example:tag tank/jails tank/jails/www");
    expect(res.stdout).toBe("tank/jails\tzstd\tlocal\ntank/jails\ttwo words\tlocal\n"
      + "tank/jails/www\tzstd\tinherited from tank/jails\ntank/jails/www\ttwo words\tinherited from tank/jails\n");
  });

  it("reverts to the inherited value with inherit, recursively with -r", async () => {
    await ssh.run("zfs set compression=gzip tank/jails/www && zfs set com.example:tag=own tank/jails/www");
    expect((await ssh.run("zfs inherit compression tank/jails/www")).code).toBe(0);
    expect((await ssh.run("zfs get -H -o value,source compression tank/jails/www")).stdout)
      .toBe("zstd\tinherited from tank/jails\n");
    expect((await ssh.run("zfs inherit -r com.example:tag tank/jails")).code).toBe(0);
    expect((await ssh.run("zfs get -H -o value,source com.example:tag tank/jails/www")).stdout).toBe("-\t-\n");
  });

  it("accepts sizes with suffixes and prints them human or exact", async () => {
    await ssh.run("zfs set quota=1.5G tank/jails/www");
    expect((await ssh.run("zfs get -H -o value quota tank/jails/www")).stdout).toBe("1.50G\n");
    expect((await ssh.run("zfs get -Hp -o value quota tank/jails/www")).stdout).toBe("1610612736\n");
    await ssh.run("zfs set quota=none tank/jails/www");
    expect((await ssh.run("zfs get -Hp -o value,source quota tank/jails/www")).stdout).toBe("0\tlocal\n");
  });

  it.each([
    ["zfs set foo=bar tank/jails", "cannot set property for 'tank/jails': invalid property 'foo'\n"],
    ["zfs set used=1 tank/jails", "cannot set property for 'tank/jails': 'used' is readonly\n"],
    ["zfs set casesensitivity=mixed tank/jails", "cannot set property for 'tank/jails': 'casesensitivity' is readonly\n"],
    ["zfs set compression=fast tank/jails", "cannot set property for 'tank/jails': 'compression' must be one of "
      + "'on | off | lzjb | gzip | gzip-[1-9] | zle | lz4 | zstd | zstd-[1-19] | zstd-fast | "
      + "zstd-fast-[1-10,20,30,40,50,60,70,80,90,100,500,1000]'\n"],
    ["zfs set quota=12Q tank/jails", "cannot set property for 'tank/jails': invalid numeric suffix 'Q'\n"],
    ["zfs set quota=abc tank/jails", "cannot set property for 'tank/jails': bad numeric value 'abc'\n"],
    ["zfs set quota=0 tank/jails", "cannot set property for 'tank/jails': use 'none' to disable quota/refquota\n"],
    ["zfs set volsize=1G tank/jails", "cannot set property for 'tank/jails': 'volsize' does not apply to datasets of this type\n"],
    ["zfs set quota=1K tank/jails", "cannot set property for 'tank/jails': size is less than current used or reserved space\n"],
    ["zfs set mountpoint=relative tank/jails", "cannot set property for 'tank/jails': 'mountpoint' must be an absolute path, 'none', or 'legacy'\n"],
  ])("%s is refused (exit 255, as set_callback returns -1)", async (command, stderr) => {
    expect(await ssh.run(command)).toEqual({ stdout: "", stderr, code: 255 });
  });

  it("refuses to set a missing dataset with exit 1", async () => {
    expect(await ssh.run("zfs set atime=off tank/nope"))
      .toEqual({ stdout: "", stderr: "cannot open 'tank/nope': dataset does not exist\n", code: 1 });
  });

  it.each([
    ["zfs inherit quota tank/jails", "'quota' property cannot be inherited\nuse 'zfs set quota=none' to clear\n"
      + "use 'zfs inherit -S quota' to revert to received value\n", 1],
    ["zfs inherit used tank/jails", "used property is read-only\n", 1],
    ["zfs inherit canmount tank/jails", "'canmount' property cannot be inherited\n", 1],
  ])("%s", async (command, stderr, code) => {
    expect(await ssh.run(command)).toEqual({ stdout: "", stderr, code });
  });

  it("rejects inherit of an unknown property with usage, exit 2", async () => {
    const res = await ssh.run("zfs inherit bogus tank/jails");
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^invalid property 'bogus'\nusage:\n\tinherit \[-rS\]/);
  });

  it("moves children when a mountpoint changes and puts them back on inherit", async () => {
    await ssh.run("echo hi > /tank/jails/www/index.html");
    expect((await ssh.run("zfs set mountpoint=/srv/jails tank/jails")).code).toBe(0);
    expect((await ssh.run("cat /srv/jails/www/index.html; ls /tank")).stdout).toBe("hi\n");
    expect((await ssh.run("zfs inherit mountpoint tank/jails")).code).toBe(0);
    expect((await ssh.run("cat /tank/jails/www/index.html; test -e /srv/jails || echo gone")).stdout).toBe("hi\ngone\n");
  });

  it("unmounts on canmount=off and on jailed=on, which also blocks mountpoint changes", async () => {
    await ssh.run("zfs create tank/jails/j1 && zfs set jailed=on tank/jails/j1");
    expect((await ssh.run("zfs get -H -o value mounted tank/jails/j1")).stdout).toBe("no\n");
    expect((await ssh.run("zfs set mountpoint=/x tank/jails/j1")).stderr)
      .toBe("cannot set property for 'tank/jails/j1': 'mountpoint' cannot be set on dataset in a non-global zone\n");
    await ssh.run("zfs set canmount=off tank/jails/www");
    expect((await ssh.run("zfs get -H -o value mounted tank/jails/www")).stdout).toBe("no\n");
  });
});

describe("zfs list", () => {
  it("prints the default columns right-aligned with a header", async () => {
    const res = await ssh.run("zfs list -r tank/jails/www");
    expect(res.stdout).toBe("NAME             USED  AVAIL  REFER  MOUNTPOINT\n"
      + "tank/jails/www    96K  10.0G    96K  /tank/jails/www\n");
  });

  it("prints tab-separated exact values with -Hp and sorts with -s/-S", async () => {
    expect((await ssh.run("zfs list -Hp -o name,refer tank/vol")).stdout).toBe("tank/vol\t57344\n");
    expect((await ssh.run("zfs list -H -o name -S used -d 1 tank")).stdout).toBe("tank\ntank/vol\ntank/jails\n");
  });

  it("shows snapshots only with -t snapshot, implying -d 1 for a named dataset", async () => {
    await ssh.run("zfs snapshot tank/jails@a && zfs snapshot tank/jails/www@b");
    expect((await ssh.run("zfs list -H -o name -r tank")).stdout).not.toMatch(/@/);
    expect((await ssh.run("zfs list -H -o name -t snapshot tank/jails")).stdout).toBe("tank/jails@a\n");
    expect((await ssh.run("zfs list -H -o name -t snapshot -r tank/jails")).stdout).toBe("tank/jails@a\ntank/jails/www@b\n");
  });

  it("reports a missing dataset, and no datasets on stderr", async () => {
    expect(await ssh.run("zfs list tank/nope")).toEqual({
      stdout: "", stderr: "cannot open 'tank/nope': dataset does not exist\n", code: 1,
    });
    expect(await ssh.run("zfs list -t snapshot tank/vol")).toEqual({ stdout: "", stderr: "no datasets available\n", code: 0 });
  });

  it("exits 2 for an unknown subcommand", async () => {
    const res = await ssh.run("zfs frobnicate");
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^unrecognized command 'frobnicate'\nusage: zfs command args \.\.\.\n/);
  });
});
