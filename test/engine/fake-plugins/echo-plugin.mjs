// A minimal well-behaved plugin: prints its port first, reports how it was started on stderr and
// logs through the engine's Log RPC when configured.
import { createRequire } from "node:module";
const require = createRequire(new URL("../../../package.json", import.meta.url));
const grpc = require("@grpc/grpc-js");
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const providerPb = require("@pulumi/pulumi/proto/provider_pb.js");
const pluginPb = require("@pulumi/pulumi/proto/plugin_pb.js");
const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb.js");
const enginePb = require("@pulumi/pulumi/proto/engine_pb.js");

const engineAddress = process.argv[process.argv.length - 1];
process.stderr.write(JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env.ECHO_PLUGIN_ENV ?? null }) + "\n");
const engine = new engineGrpc.EngineClient(engineAddress, grpc.credentials.createInsecure());

const server = new grpc.Server();
server.addService(providerGrpc.ResourceProviderService, {
  handshake: (_call, cb) => cb(null, new providerPb.ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(true)),
  getPluginInfo: (_call, cb) => cb(null, new pluginPb.PluginInfo().setVersion("1.2.3")),
  configure: (call, cb) => {
    const req = new enginePb.LogRequest().setSeverity(enginePb.LogSeverity.WARNING).setMessage("configured").setUrn(call.request.getUrn() ?? "");
    engine.log(req, (err) => (err ? cb(err) : cb(null, new providerPb.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(true))));
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`${port}\n`);
});
