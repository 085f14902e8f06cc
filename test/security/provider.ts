import { startProvider, type ProviderClient, type ValueMap, type ConfigValue } from "pulumi-engine-harness";

// One plugin process configured for a host, as the engine drives it: handshake, CheckConfig, Configure.

export const PROVIDER_URN = "urn:pulumi:fuzz::security::pulumi:providers:freebsd::default";
export const urnOf = (token: string, name: string) => `urn:pulumi:fuzz::security::${token}::${name}`;

export async function configuredProvider(config: Record<string, ConfigValue>, env: Record<string, string> = {}): Promise<ProviderClient> {
  const p = await startProvider({ env });
  try {
    await p.handshake();
    const checked = await p.checkConfig({ urn: PROVIDER_URN, olds: {}, news: config as ValueMap, allowUnknowns: false });
    if (checked.failures.length > 0) throw new Error(`config refused: ${JSON.stringify(checked.failures)}`);
    await p.configure({ urn: PROVIDER_URN, id: "0", inputs: checked.inputs! });
    return p;
  } catch (e) {
    await p.kill();
    throw e;
  }
}

/** Runs `fn` over `items` with at most `width` at once, results in order. */
export async function pool<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}
