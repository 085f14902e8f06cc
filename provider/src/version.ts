// The plugin's version; keep it equal to provider/package.json, schema.json and the SDK.
export const version = "0.1.0";
