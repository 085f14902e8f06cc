import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { providerPb } from "../../provider/src/protocol/proto.ts";
import { deserializeRequest, hasStruct, reply, structFields, structOf, withStructCodec, type StructRpc } from "../../provider/src/protocol/struct-fields.ts";
import { decodeValue, encodeValue, fromStruct, Secret, toStruct, Unknown, type StructMessage } from "../../provider/src/protocol/values.ts";
import { render, samples, Struct, type JspbStruct } from "./struct-samples.ts";

// Every request and reply of the table, built with Pulumi's generated setters and jspb Structs:
// the lean path reads and writes the same values as the generated messages alone did.

const require = createRequire(import.meta.url);
type Method = { requestDeserialize(b: Buffer): unknown; responseSerialize(v: unknown): Buffer };
const generated = require("@pulumi/pulumi/proto/provider_grpc_pb.js").ResourceProviderService as Record<StructRpc, Method>;
const lean = withStructCodec(generated);

type Message = { serializeBinary(): Uint8Array };
const call = (m: unknown, method: string, ...args: unknown[]): unknown => (m as Record<string, (...a: unknown[]) => unknown>)[method]!.apply(m, args);
const suffix = (name: string) => name[0]!.toUpperCase() + name.slice(1);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const jspbStruct = (bag: Record<string, unknown>) => Struct.fromJavaScript(encodeValue(bag)) as JspbStruct;

/** A request of each RPC with every scalar and small message set, as the engine fills them. */
function baseRequest(rpc: StructRpc): Message {
  const urn = "urn:pulumi:dev::proj::freebsd:zfs:Dataset::web";
  const view = new providerPb.View();
  view.setType("freebsd:x:View");
  view.setName("v");
  view.setInputs(jspbStruct({ a: 1 }) as never);
  switch (rpc) {
    case "check":
    case "checkConfig": {
      const m = new providerPb.CheckRequest();
      m.setUrn(urn);
      m.setName("web");
      m.setType("freebsd:zfs:Dataset");
      m.setRandomseed(Uint8Array.from([0xc3, 0xe2, 1, 0xf0, 0xff]));
      const auto = new providerPb.CheckRequest.AutonamingOptions();
      auto.setProposedName("web-1a2b");
      auto.setMode(providerPb.CheckRequest.AutonamingOptions.Mode.ENFORCE);
      m.setAutonaming(auto);
      return m as unknown as Message;
    }
    case "diff":
    case "diffConfig": {
      const m = new providerPb.DiffRequest();
      m.setId("zroot/web");
      m.setUrn(urn);
      m.setName("web");
      m.setType("freebsd:zfs:Dataset");
      m.setIgnorechangesList(["properties.quota", "name"]);
      return m as unknown as Message;
    }
    case "configure": {
      const m = new providerPb.ConfigureRequest();
      m.setAcceptsecrets(true);
      m.setAcceptresources(true);
      m.setSendsOldInputs(true);
      m.setSendsOldInputsToDelete(true);
      m.setId("p");
      m.setUrn("urn:pulumi:dev::proj::pulumi:providers:freebsd::default");
      m.setType("pulumi:providers:freebsd");
      m.getVariablesMap().set("freebsd:config:host", "192.0.2.1");
      return m as unknown as Message;
    }
    case "create": {
      const m = new providerPb.CreateRequest();
      m.setUrn(urn);
      m.setTimeout(90.5);
      m.setPreview(true);
      m.setType("freebsd:zfs:Dataset");
      m.setResourceStatusToken("tok");
      return m as unknown as Message;
    }
    case "read": {
      const m = new providerPb.ReadRequest();
      m.setId("zroot/web");
      m.setUrn(urn);
      m.setTimeout(300);
      m.addOldViews(view);
      return m as unknown as Message;
    }
    case "update": {
      const m = new providerPb.UpdateRequest();
      m.setId("zroot/web");
      m.setUrn(urn);
      m.setPreview(true);
      m.setIgnorechangesList(["x"]);
      m.addOldViews(view);
      return m as unknown as Message;
    }
    case "delete": {
      const m = new providerPb.DeleteRequest();
      m.setId("zroot/web");
      m.setUrn(urn);
      m.setTimeout(1800);
      m.setResourceStatusAddress("127.0.0.1:1");
      return m as unknown as Message;
    }
    case "invoke": {
      const m = new providerPb.InvokeRequest();
      m.setTok("freebsd:index:getHost");
      m.setPreview(true);
      return m as unknown as Message;
    }
  }
}

/** The old path: the generated deserializer, then fromStruct of each Struct field; what it throws, where. */
function oldRead(rpc: StructRpc, bytes: Uint8Array) {
  let message: Message;
  try {
    message = generated[rpc].requestDeserialize(Buffer.from(bytes)) as Message;
  } catch {
    return "rejected";
  }
  const fields = Object.fromEntries(Object.keys(structFields[rpc].request).map((name) => {
    const present = call(message, `has${suffix(name)}`) as boolean;
    let value: string;
    try {
      value = render(fromStruct(call(message, `get${suffix(name)}`) as StructMessage | undefined));
    } catch (e) {
      value = `throws ${(e as Error).message}`;
    }
    call(message, `clear${suffix(name)}`);
    return [name, { present, value }];
  }));
  return { fields, rest: hex(message.serializeBinary()) };
}

/** The lean path, in the same terms. */
function leanRead(rpc: StructRpc, bytes: Uint8Array) {
  let req: { message: Message; structs: Record<string, unknown> };
  try {
    req = lean[rpc].requestDeserialize(Buffer.from(bytes)) as typeof req;
  } catch {
    return "rejected";
  }
  const fields = Object.fromEntries(Object.keys(structFields[rpc].request).map((name) => {
    const present = hasStruct(req as never, name as never);
    let value: string;
    try {
      value = render(structOf(req as never, name as never));
    } catch (e) {
      value = `throws ${(e as Error).message}`;
    }
    return [name, { present, value }];
  }));
  return { fields, rest: hex(req.message.serializeBinary()) };
}

const rpcs = Object.keys(structFields) as StructRpc[];
const key = (field: number, wire: number) => (field << 3) | wire;
const field = (n: number, body: Uint8Array) => Uint8Array.from([key(n, 2), ...varint(body.length), ...body]);
function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 128; n = Math.floor(n / 128)) out.push((n % 128) | 128);
  return [...out, n];
}
const fieldLength = (s: JspbStruct) => 1 + varint(s.serializeBinary().length).length + s.serializeBinary().length;
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe("requests through the lean path", () => {
  for (const rpc of rpcs) {
    const names = Object.keys(structFields[rpc].request);
    it(`${rpc}: every Struct field, absent, empty or any sample, reads as the generated message gives it`, () => {
      for (let round = 0; round < samples.length + 2; round++) {
        const m = baseRequest(rpc);
        names.forEach((name, i) => {
          const which = (round + i) % (samples.length + 2);
          if (which < samples.length) call(m, `set${suffix(name)}`, jspbStruct(samples[which]!));
          else if (which === samples.length) call(m, `set${suffix(name)}`, Struct.fromJavaScript({}));
        });
        const bytes = m.serializeBinary();
        expect(leanRead(rpc, bytes)).toEqual(oldRead(rpc, bytes));
        // and the lean codec read the Structs: the generated deserializer got the other fields only
        let given: Buffer = Buffer.alloc(0);
        deserializeRequest(structFields[rpc].request, Buffer.from(bytes), (b) => (given = b));
        expect(given.length).toBe(bytes.length - names.reduce((n, name) => n + (call(m, `has${suffix(name)}`) ? fieldLength(call(m, `get${suffix(name)}`) as JspbStruct) : 0), 0));
      }
    });

    it(`${rpc}: Struct fields first, repeated (the last wins), beside unknown fields of every wire type`, () => {
      const numbers = Object.values(structFields[rpc].request) as number[];
      const base = baseRequest(rpc).serializeBinary();
      const unknown = Uint8Array.from([key(99, 0), 0x96, 0x01, key(98, 1), 1, 2, 3, 4, 5, 6, 7, 8, key(97, 5), 1, 2, 3, 4, ...field(96, Uint8Array.of(0xc3, 0x28))]);
      const structs = numbers.map((n, i) => field(n, jspbStruct(samples[(i + 2) % samples.length]!).serializeBinary()));
      const again = numbers.map((n, i) => field(n, jspbStruct(samples[(i + 5) % samples.length]!).serializeBinary()));
      for (const bytes of [concat(...structs, base), concat(unknown, ...structs, unknown, base, ...again, unknown), concat(base, ...structs, ...structs.map(() => unknown))]) {
        expect(leanRead(rpc, bytes)).toEqual(oldRead(rpc, bytes));
      }
    });

    it(`${rpc}: a Value with no kind, bytes the lean codec leaves to google-protobuf, malformed bytes: as before`, () => {
      const n = Object.values(structFields[rpc].request)[0] as number;
      const base = baseRequest(rpc).serializeBinary();
      const kindless = Uint8Array.from([0x0a, 0x05, 0x0a, 0x01, 0x6b, 0x12, 0x00]); // {k: Value{}}
      const group = Uint8Array.from([0x0a, 0x0a, 0x0a, 0x01, 0x6b, 0x12, 0x05, 0x4b, 0x08, 0x01, 0x4c, 0x08]); // {k: Value{group; null}}
      const cases = [
        concat(base, field(n, kindless)),
        concat(base, field(n, group)),
        concat(field(1, Uint8Array.of(0x61, 0xc3)), field(n, jspbStruct({ a: "b" }).serializeBinary()), base), // a string ending inside UTF-8, then a Struct
        concat(field(1, Uint8Array.of(0x61, 0xe2, 0x82)), field(n, jspbStruct({ a: "b" }).serializeBinary())),
        concat(base, field(n, jspbStruct({ a: "b" }).serializeBinary())).subarray(0, base.length + 6),
        concat(base, Uint8Array.of(key(n, 0), 1)),
        concat(base, Uint8Array.of(key(n, 4))),
        concat(field(n, Uint8Array.of(0x0a, 0x03, 0x12, 0x01, 0x1a)), base),
      ];
      for (const bytes of cases) expect(leanRead(rpc, bytes), hex(bytes)).toEqual(oldRead(rpc, bytes));
      expect(leanRead(rpc, cases[0]!)).toMatchObject({ fields: { [names[0]!]: { value: "throws Unexpected struct type" } } });
    });
  }

  it("keeps the lone surrogate a CheckRequest's type decodes to (issue 7.25)", () => {
    const type = Buffer.concat([Buffer.from("freebsd:zfs:Data"), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from("set")]);
    const bytes = concat(field(7, type), field(3, jspbStruct({ name: "zroot/x\ud800" }).serializeBinary()));
    const req = lean.check.requestDeserialize(Buffer.from(bytes)) as { message: { getType(): string } };
    expect(req.message.getType()).toBe("freebsd:zfs:Data\ud800set");
    expect(leanRead("check", bytes)).toEqual(oldRead("check", bytes));
  });
});

/** Values as the provider returns them: decoded, with Secret and Unknown markers and undefined members. */
const replies: Record<string, unknown>[] = [
  ...samples.map((s) => decodeValue(encodeValue(s)) as Record<string, unknown>),
  { secret: new Secret("p"), deep: { s: new Secret({ list: [new Secret(1)] }) }, unknown: Unknown, list: [Unknown, "x"], gone: undefined, nested: { gone: undefined } },
];

describe("replies through the lean path", () => {
  const withReply = rpcs.filter((rpc) => Object.keys(structFields[rpc].reply).length > 0);
  const classes: Record<string, string> = { check: "CheckResponse", checkConfig: "CheckResponse", create: "CreateResponse", read: "ReadResponse", update: "UpdateResponse", invoke: "InvokeResponse" };
  const base = (rpc: StructRpc): Message => {
    const m = new (providerPb as unknown as Record<string, new () => Message>)[classes[rpc]!]!();
    // failures' reasons and ids are plain fields: they stay with the generated message
    if (rpc === "check" || rpc === "checkConfig" || rpc === "invoke") {
      const f = new providerPb.CheckFailure();
      f.setProperty("name"); f.setReason("bad \ud800 name");
      call(m, "setFailuresList", [f]);
    }
    if (rpc === "create" || rpc === "read") call(m, "setId", "zroot/web");
    if (rpc !== "check" && rpc !== "checkConfig" && rpc !== "invoke") call(m, "setRefreshBeforeUpdate", true);
    return m;
  };

  for (const rpc of withReply) {
    const names = Object.keys(structFields[rpc].reply);
    it(`${rpc}: what the lean path writes decodes with the generated message to what toStruct wrote`, () => {
      for (let round = 0; round < replies.length; round++) {
        const values = Object.fromEntries(names.map((name, i) => [name, replies[(round + i) % replies.length]!]));
        const old = base(rpc);
        for (const name of names) call(old, `set${suffix(name)}`, toStruct(values[name]!));
        const oldBytes = generated[rpc].responseSerialize(old);
        const newBytes = lean[rpc].responseSerialize(reply(rpc, base(rpc), values as never));
        const decode = (b: Buffer) => (generated[rpc] as unknown as { responseDeserialize(b: Buffer): Message }).responseDeserialize(b);
        const [a, b] = [decode(oldBytes), decode(newBytes)];
        for (const name of names) {
          expect(call(b, `has${suffix(name)}`)).toBe(true);
          const got = (call(b, `get${suffix(name)}`) as JspbStruct).toJavaScript();
          expect(render(got)).toBe(render((call(a, `get${suffix(name)}`) as JspbStruct).toJavaScript()));
          call(a, `clear${suffix(name)}`);
          call(b, `clear${suffix(name)}`);
        }
        expect(hex(b.serializeBinary())).toBe(hex(a.serializeBinary()));
      }
    });

    it(`${rpc}: fields left out stay unset, and what toStruct cannot encode fails the same way`, () => {
      const bytes = lean[rpc].responseSerialize(reply(rpc, base(rpc), {}));
      const decoded = (generated[rpc] as unknown as { responseDeserialize(b: Buffer): Message }).responseDeserialize(bytes);
      for (const name of names) expect(call(decoded, `has${suffix(name)}`)).toBe(false);
      expect(hex(bytes)).toBe(hex(generated[rpc].responseSerialize(base(rpc))));
      const bad = { n: 1n } as Record<string, unknown>;
      expect(() => toStruct(bad)).toThrow("Unexpected struct type.");
      expect(() => reply(rpc, base(rpc), { [names[0]!]: bad } as never)).toThrow("Unexpected struct type.");
    });
  }
});
