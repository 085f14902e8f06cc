// Runs index.ts under Pulumi's mocks the way `pulumi up` runs a TypeScript program
// (@pulumi/pulumi/cmd/run/run.js): the project's TypeScript (else Pulumi's vendored 3.8.3), Pulumi's
// ts-node, Pulumi's default compiler options under the project's tsconfig.json, type checking on.
// Every RegisterResourceRequest the SDK sends to the (mock) resource monitor is recorded, options
// included: the mocks' newResource is given the inputs only. Prints one line: RESULT <json>.
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const tsutils = require("@pulumi/pulumi/tsutils");

const registrations = [];
const calls = [];

function newResource(args) {
    const id = args.type.startsWith("pulumi:providers:") ? "provider-id" : `${args.name}-id`;
    const computed = args.type === "freebsd:zfs:Dataset" ? { mountpoint: `/${args.inputs.name}`, guid: "42" } : {};
    return { id, state: { ...args.inputs, ...computed } };
}

function call(args) {
    calls.push({ token: args.token, inputs: args.inputs, provider: args.provider });
    if (args.token === "freebsd:index:getHost") return { kernelVersion: "14.3-RELEASE-p2", architecture: "amd64" };
    if (args.token === "freebsd:zfs:getDataset") return { name: args.inputs.name, guid: "7" };
    throw new Error(`unexpected invoke ${args.token}`);
}

/** The value of an export: an Output's, a Promise's, or the plain value. */
function settle(value) {
    if (pulumi.Output.isInstance(value)) return new Promise((resolve) => value.apply(resolve));
    return Promise.resolve(value);
}

async function main() {
    await pulumi.runtime.setMocks({ newResource, call }, "sdk-test", "dev", false);
    const monitor = pulumi.runtime.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        registrations.push({
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            object: req.getObject().toJavaScript(),
            provider: req.getProvider(),
            version: req.getVersion(),
            pluginDownloadURL: req.getPlugindownloadurl(),
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        });
        return register(req, callback);
    };

    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
    const ts = require(typescriptRequire);
    require(tsnodeRequire).register({
        compiler: typescriptRequire,
        transpileOnly: undefined,
        project: "tsconfig.json",
        skipProject: false,
        compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
    });
    const program = require(path.resolve("index.ts"));
    const values = {};
    for (const [name, value] of Object.entries(program)) values[name] = await settle(value);
    console.log(`RESULT ${JSON.stringify({ typescript: ts.version, typescriptRequire, registrations, calls, values })}`);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
