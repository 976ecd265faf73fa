import type { ProviderName } from '../tokens/token-endpoint';
import { spotify } from './spotify';
import type { Provider } from './types';

const registry: Record<ProviderName, Provider> = { spotify };

export function providerFor(name: ProviderName): Provider {
  return registry[name];
}
