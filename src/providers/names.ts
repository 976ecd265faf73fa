/**
 * The providers crossfollow speaks to, and what each is called in messages. A leaf: every layer
 * may import it. A new provider starts here (see docs/architecture.md).
 */
export const PROVIDERS = ['spotify', 'x', 'audius'] as const;

export type ProviderName = (typeof PROVIDERS)[number];

export const PROVIDER_LABELS: Record<ProviderName, string> = { spotify: 'Spotify', x: 'X', audius: 'Audius' };

export function isProviderName(value: string): value is ProviderName {
  return (PROVIDERS as readonly string[]).includes(value);
}
