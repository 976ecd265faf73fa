import { audius } from './audius';
import type { ProviderName } from './names';
import { spotify } from './spotify';
import type { Provider } from './types';
import { x } from './x';

/** Every provider, by name: a new provider is one folder and one entry here (docs/architecture.md). */
const registry: Record<ProviderName, Provider> = { spotify, x, audius };

export function providerFor(name: ProviderName): Provider {
  return registry[name];
}
