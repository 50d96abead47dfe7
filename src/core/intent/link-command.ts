import { mentionsLinkToken } from '../identity/link-token.ts';
import { type MessagePart, plainText, withoutLeadingPerson } from './message-text.ts';

/**
 * `link <token>` / `/eks link <token>` / a bare pasted `k8s-aws-v1.` token, and `unlink`. Any message holding a
 * token is a link command wherever it was posted, so a token is never read by the free-text grammar or quoted back.
 */
export type LinkCommand = { kind: 'link'; pasted: string } | { kind: 'unlink' };

const UNLINK = /^\s*unlink(?:\s+me)?\s*[.!]?\s*$/i;
/** `link` alone (asks how), or followed by what get-token printed (a token, its JSON, in backticks or not). */
const LINK = /^\s*link(?:\s+me)?\s*[:.]?(?:\s+([\s\S]*))?$/i;

export function parseLinkCommand(message: readonly MessagePart[]): LinkCommand | undefined {
  const text = plainText(withoutLeadingPerson(message));
  if (UNLINK.test(text)) return { kind: 'unlink' };
  if (mentionsLinkToken(plainText(message))) {
    const rest = LINK.exec(text)?.[1];
    return { kind: 'link', pasted: (rest ?? text).trim() };
  }
  const link = LINK.exec(text);
  if (link && (link[1] === undefined || link[1].trim() === '')) return { kind: 'link', pasted: '' };
  return undefined;
}
