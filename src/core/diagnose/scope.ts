import type { AccessScope } from '../plan/access-entries.ts';

/** Access-scope namespaces may carry `*` wildcards (`dev-*`). */
export function scopeIncludes(scope: AccessScope, namespace: string): boolean {
  if (scope.type === 'cluster') return true;
  return scope.namespaces.some((pattern) => globMatches(pattern, namespace));
}

function globMatches(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(text);
}
