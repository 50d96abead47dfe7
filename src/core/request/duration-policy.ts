import type { Level } from '../levels.ts';

const HOUR = 3600_000;

/** Every grant ends. Built-in defaults and caps per level; a cluster's config may override them. */
export const DEFAULT_DURATIONS: Readonly<Record<Level, { defaultMs: number; maxMs: number }>> = {
  view: { defaultMs: 8 * HOUR, maxMs: 7 * 24 * HOUR },
  edit: { defaultMs: 4 * HOUR, maxMs: 24 * HOUR },
  admin: { defaultMs: 1 * HOUR, maxMs: 8 * HOUR },
  'cluster-admin': { defaultMs: 1 * HOUR, maxMs: 4 * HOUR },
};

export type DurationOverrides = Partial<Record<Level, { defaultMs?: number; maxMs?: number }>>;

export type EffectiveDuration = { durationMs: number; isDefault: boolean; cappedFromMs?: number };

/** The duration a grant gets: the one asked for (capped at the level's maximum) or the level's default. */
export function effectiveDuration(
  level: Level,
  requestedMs: number | undefined,
  overrides: DurationOverrides = {},
): EffectiveDuration {
  const builtIn = DEFAULT_DURATIONS[level];
  const maxMs = overrides[level]?.maxMs ?? builtIn.maxMs;
  const defaultMs = Math.min(overrides[level]?.defaultMs ?? builtIn.defaultMs, maxMs);
  if (requestedMs === undefined) return { durationMs: defaultMs, isDefault: true };
  if (requestedMs > maxMs) return { durationMs: maxMs, isDefault: false, cappedFromMs: requestedMs };
  return { durationMs: requestedMs, isDefault: false };
}
