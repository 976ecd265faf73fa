/**
 * The providers crossfollow speaks to, and what each is called in messages. A leaf: every layer
 * may import it. A new provider starts here (see docs/architecture.md).
 */
export const PROVIDERS = ['spotify', 'x', 'audius'] as const;

export type ProviderName = (typeof PROVIDERS)[number];

export const PROVIDER_LABELS: Record<ProviderName, string> = { spotify: 'Spotify', x: 'X', audius: 'Audius' };

/** Whether `value` is one of `list` (provider names, a provider's item types), narrowing it to that type. */
export function oneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}
