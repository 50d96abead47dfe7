import type { CurrentAccessInfo } from '../request/request.ts';
import { code, escapeUserText } from './escape.ts';
import type { MessagePart } from './message.ts';

/** The policy's short name (`AmazonEKSViewPolicy`) out of its ARN; anything unexpected is shown escaped. */
export function policyName(policyArn: string): string {
  const name = /cluster-access-policy\/([A-Za-z0-9]+)$/.exec(policyArn)?.[1];
  return code(name ?? escapeUserText(policyArn, 200));
}

function utc(at: number): string {
  return `${new Date(at).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

/** The requester's access today, shown beside the change so the approver sees the difference. */
export function currentAccessPart(current: CurrentAccessInfo | undefined): MessagePart[] {
  if (!current) return [];
  const grants =
    current.grants.length === 0
      ? 'none'
      : current.grants
          .map(
            (g) => `${escapeUserText(g.level, 20)} (${code(g.id)}${g.expiresAt ? `, ends ${utc(g.expiresAt)}` : ''})`,
          )
          .join(', ');
  const entry = ((): string | undefined => {
    switch (current.entry.kind) {
      case 'aws-auth':
        return undefined; // not the method that will run: the aws-auth diff on the card says what the person has
      case 'none':
        return 'no access entry';
      case 'unknown':
        return `unknown (${escapeUserText(current.entry.reason, 200)})`;
      case 'present':
        return current.entry.policies.length === 0
          ? 'an access entry with no policies'
          : current.entry.policies
              .map((p) => `${policyName(p.policyArn)} (${escapeUserText(p.scope, 200)})`)
              .join(', ');
    }
  })();
  return [
    {
      kind: 'text',
      text: `*Current access on this cluster*\n• eks-access grants: ${grants}${entry === undefined ? '' : `\n• EKS access entry: ${entry}`}`,
    },
  ];
}
