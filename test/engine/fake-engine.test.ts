import { credentials } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { FakeEngine } from "./fake-engine.ts";
import { engineGrpc, enginePb } from "./proto.ts";

let engine: FakeEngine | undefined;
afterEach(async () => engine?.stop());

// Sends one Engine.Log call as a provider would.
function log(client: InstanceType<typeof engineGrpc.EngineClient>, severity: number, message: string, urn = ""): Promise<void> {
  const req = new enginePb.LogRequest().setSeverity(severity).setMessage(message).setUrn(urn).setStreamid(7).setEphemeral(true);
  return new Promise((resolve, reject) => client.log(req, (err) => (err ? reject(err) : resolve())));
}

describe("the fake engine", () => {
  it("records Log calls with their severity, urn, stream and ephemeral flag, filterable by severity", async () => {
    engine = await FakeEngine.start();
    const client = new engineGrpc.EngineClient(engine.address, credentials.createInsecure());
    await log(client, enginePb.LogSeverity.DEBUG, "dialing");
    await log(client, enginePb.LogSeverity.WARNING, "slow host", "urn:x");
    await log(client, enginePb.LogSeverity.ERROR, "boom");
    client.close();
    expect(engine.logs.map((l) => l.severity)).toEqual(["debug", "warning", "error"]);
    expect(engine.entries("warning")).toEqual([
      { severity: "warning", message: "slow host", urn: "urn:x", streamId: 7, ephemeral: true },
      { severity: "error", message: "boom", urn: "", streamId: 7, ephemeral: true },
    ]);
  });

  it("keeps the root resource it is given", async () => {
    engine = await FakeEngine.start();
    const client = new engineGrpc.EngineClient(engine.address, credentials.createInsecure());
    await new Promise((resolve, reject) => client.setRootResource(new enginePb.SetRootResourceRequest().setUrn("urn:root"), (e, r) => (e ? reject(e) : resolve(r))));
    const res = await new Promise<InstanceType<typeof enginePb.GetRootResourceResponse>>((resolve, reject) =>
      client.getRootResource(new enginePb.GetRootResourceRequest(), (e, r) => (e ? reject(e) : resolve(r))));
    client.close();
    expect(res.getUrn()).toBe("urn:root");
  });
});
