import { mergeScope, scopeCovers, wantedScope } from '../plan/access-entries.ts';
import type { CurrentAccessInfo } from '../request/request.ts';
import { policySpan } from './current-access.ts';
import type { MessagePart } from './message.ts';
import { scopeRich } from './restore-notes.ts';
import { type Rich, rich, strong } from './rich.ts';

/**
 * The approval card's "now → during → after" line for an access-entry grant: what the principal holds today, what
 * the grant makes of it, and what its end gives back (the state before the grant). Nothing when today's access is
 * unknown or was gathered before scopes were recorded.
 */
export function restorePreviewPart(
  current: CurrentAccessInfo | undefined,
  policyArn: string,
  namespaces: readonly string[],
): MessagePart[] {
  const line = previewLine(current, policyArn, namespaces);
  if (!line) return [];
  const others =
    current && current.grants.length > 0
      ? ' (other eks-access grants are active here: each end gives back only what it added)'
      : '';
  return [{ kind: 'text', text: rich`${strong('What the end restores')}\n${line}${others}` }];
}

function previewLine(
  current: CurrentAccessInfo | undefined,
  policyArn: string,
  namespaces: readonly string[],
): Rich | undefined {
  if (!current) return undefined;
  const name = policySpan(policyArn);
  const wanted = wantedScope(namespaces);
  if (current.entry.kind === 'unknown' || current.entry.kind === 'aws-auth') return undefined;
  if (current.entry.kind === 'none') {
    return rich`Now: no access entry → during the grant: an access entry with ${name} on ${scopeRich(wanted)} → after: the entry is deleted again`;
  }
  const held = current.entry.policies.find((p) => p.policyArn === policyArn);
  if (!held) {
    return rich`Now: no ${name} → during the grant: ${name} on ${scopeRich(wanted)} → after: ${name} removed again; the rest of the entry stays as it is`;
  }
  if (!held.accessScope) return undefined;
  if (scopeCovers(held.accessScope, wanted)) {
    return rich`Now: ${name} on ${scopeRich(held.accessScope)} → during the grant: unchanged (it already covers the request) → after: unchanged`;
  }
  const during = mergeScope(held.accessScope, wanted);
  return rich`Now: ${name} on ${scopeRich(held.accessScope)} → during the grant: ${scopeRich(during)} → after: back to ${scopeRich(held.accessScope)}`;
}
