import { parseArn } from '../identity/arn.ts';

/** What identity a person pasted into a diagnose message. */
export type PastedIdentity =
  | { kind: 'caller_identity'; arn: string; account: string; userId: string }
  | { kind: 'arn'; arn: string }
  | { kind: 'not_caller_identity'; reason: string }
  | { kind: 'invalid_arn'; given: string; reason: string }
  | { kind: 'none' };

/** Longest JSON we try to read; `aws sts get-caller-identity` prints about 150 bytes. */
const MAX_JSON_CHARS = 10_000;
/** Anything that starts like an ARN, so a mistyped one gets an answer instead of being ignored. */
const ARN_CANDIDATE = /\barn:[^\s`'"<>(){}]+/;
const MAX_ARN_SHOWN = 120;

/**
 * Finds `aws sts get-caller-identity` output (JSON with UserId, Account, Arn) or a bare ARN in a message's plain text.
 * JSON that is not caller-identity output is reported, not guessed at.
 */
export function findPastedIdentity(message: string): PastedIdentity {
  const text = message.replace(/```/g, ' ');
  const open = text.indexOf('{');
  const close = text.lastIndexOf('}');
  if (open >= 0 && close > open) {
    const candidate = text.slice(open, close + 1);
    if (candidate.length > MAX_JSON_CHARS)
      return { kind: 'not_caller_identity', reason: 'the pasted JSON is too long' };
    const parsed = parseJson(candidate);
    if (parsed !== undefined) return fromJson(parsed);
  }
  const arn = ARN_CANDIDATE.exec(text)?.[0];
  if (!arn) return { kind: 'none' };
  const parsed = parseArn(arn);
  return parsed.kind === 'invalid'
    ? { kind: 'invalid_arn', given: arn.slice(0, MAX_ARN_SHOWN), reason: parsed.reason }
    : { kind: 'arn', arn };
}

function fromJson(value: unknown): PastedIdentity {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'not_caller_identity', reason: 'the pasted JSON is not an object' };
  }
  const record = value as Record<string, unknown>;
  const { Arn: arn, Account: account, UserId: userId } = record;
  if (typeof arn === 'string' && typeof account === 'string' && typeof userId === 'string') {
    return { kind: 'caller_identity', arn, account, userId };
  }
  return {
    kind: 'not_caller_identity',
    reason: 'the pasted JSON is not the output of `aws sts get-caller-identity` (it needs UserId, Account and Arn)',
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
