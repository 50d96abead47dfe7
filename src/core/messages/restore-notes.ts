import type { AccessScope } from '../plan/access-entries.ts';
import type { DriftNote, EndNote } from '../plan/entry-delta.ts';
import { policyName } from './current-access.ts';
import { code } from './escape.ts';

/** "namespace `team-a`", "namespaces `a`, `b`" or "the whole cluster". */
export function scopePhrase(scope: AccessScope): string {
  if (scope.type === 'cluster') return 'the whole cluster';
  const names = scope.namespaces.map(code).join(', ');
  return scope.namespaces.length === 1 ? `namespace ${names}` : `namespaces ${names}`;
}

/** What an end did to one field, in a sentence for the thread, the DM and the audit. */
export function endNoteLine(note: EndNote, principalArn: string): string {
  switch (note.kind) {
    case 'entry_deleted':
      return `access entry ${code(principalArn)} deleted: the grant created it and nothing else needs it`;
    case 'entry_already_gone':
      return `access entry ${code(principalArn)} was already gone, as before the grant`;
    case 'restored':
      return `${policyName(note.policyArn)} restored to ${scopePhrase(note.scope)} as before the grant`;
    case 'removed':
      return `${policyName(note.policyArn)} removed: the principal did not have it before the grant`;
    case 'narrowed':
      return `${policyName(note.policyArn)} narrowed to ${scopePhrase(note.scope)}: what the other active grant(s) and the access before need`;
    case 'kept':
      return `${policyName(note.policyArn)} kept on ${scopePhrase(note.scope)}: ${note.why === 'before' ? 'the principal had it before the grant' : 'another active grant needs it'}`;
  }
}

/** A field someone else changed during the grant, with what eks-access set and what was there before. */
export function driftNoteLine(note: DriftNote, principalArn: string): string {
  switch (note.kind) {
    case 'entry_missing':
      return `access entry ${code(principalArn)} is gone (deleted outside eks-access during the grant)${note.hadEntryBefore ? '; it existed before the grant and was not re-created' : ''}`;
    case 'entry_not_ours':
      return `access entry ${code(principalArn)} no longer carries eks-access's ownership tag (re-created outside eks-access?); not deleted`;
    case 'policy_changed': {
      const now = note.actual ? `is on ${scopePhrase(note.actual)}` : 'is no longer associated';
      const set = note.expected ? `eks-access set ${scopePhrase(note.expected)}` : 'eks-access did not set it';
      const before = note.before ? `before the grant: ${scopePhrase(note.before)}` : 'before the grant: not associated';
      return `${policyName(note.policyArn)} ${now}, but ${set} (${before}); left as it is`;
    }
  }
}
