import type { AccessScope } from '../plan/access-entries.ts';
import type { DriftNote, EndNote } from '../plan/entry-delta.ts';
import { policySpan } from './current-access.ts';
import { code, join, plainText, type Rich, rich } from './rich.ts';

/** "namespace `team-a`", "namespaces `a`, `b`" or "the whole cluster". */
export function scopeRich(scope: AccessScope): Rich {
  if (scope.type === 'cluster') return ['the whole cluster'];
  const names = join(scope.namespaces.map(code), ', ');
  return scope.namespaces.length === 1 ? rich`namespace ${names}` : rich`namespaces ${names}`;
}

/** The scope as stored text (end notes, audit details and drift notices keep strings). */
export function scopePhrase(scope: AccessScope): string {
  return plainText(scopeRich(scope));
}

/**
 * What an end did to one field, in a sentence for the thread, the DM and the audit. Kept on the request as a
 * string (`ended.evidence`), so it is written as plain text with code in backquotes.
 */
export function endNoteLine(note: EndNote, principalArn: string): string {
  return plainText(endNote(note, principalArn));
}

function endNote(note: EndNote, principalArn: string): Rich {
  const policy = 'policyArn' in note ? policySpan(note.policyArn) : '';
  switch (note.kind) {
    case 'entry_deleted':
      return rich`access entry ${code(principalArn)} deleted: the grant created it and nothing else needs it`;
    case 'entry_already_gone':
      return rich`access entry ${code(principalArn)} was already gone, as before the grant`;
    case 'restored':
      return rich`${policy} restored to ${scopeRich(note.scope)} as before the grant`;
    case 'removed':
      return rich`${policy} removed: the principal did not have it before the grant`;
    case 'narrowed':
      return rich`${policy} narrowed to ${scopeRich(note.scope)}: what the other active grant(s) and the access before need`;
    case 'kept':
      return rich`${policy} kept on ${scopeRich(note.scope)}: ${note.why === 'before' ? 'the principal had it before the grant' : 'another active grant needs it'}`;
  }
}

/** A field someone else changed during the grant, with what eks-access set and what was there before (a string, like the end notes). */
export function driftNoteLine(note: DriftNote, principalArn: string): string {
  return plainText(driftNote(note, principalArn));
}

function driftNote(note: DriftNote, principalArn: string): Rich {
  switch (note.kind) {
    case 'entry_missing':
      return rich`access entry ${code(principalArn)} is gone (deleted outside eks-access during the grant)${note.hadEntryBefore ? '; it existed before the grant and was not re-created' : ''}`;
    case 'entry_not_ours':
      return rich`access entry ${code(principalArn)} no longer carries eks-access's ownership tag (re-created outside eks-access?); not deleted`;
    case 'policy_changed': {
      const now = note.actual ? rich`is on ${scopeRich(note.actual)}` : ['is no longer associated'];
      const set = note.expected ? rich`eks-access set ${scopeRich(note.expected)}` : ['eks-access did not set it'];
      const before = note.before
        ? rich`before the grant: ${scopeRich(note.before)}`
        : ['before the grant: not associated'];
      return rich`${policySpan(note.policyArn)} ${now}, but ${set} (${before}); left as it is`;
    }
  }
}
