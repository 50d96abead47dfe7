import { utcMinute } from '../access/time-left.ts';
import type { CurrentAccessInfo } from '../request/request.ts';
import type { MessagePart } from './message.ts';
import { code, foreignCode, join, plainText, type Rich, rich, type Span, said, strong } from './rich.ts';

/** The policy's short name (`AmazonEKSViewPolicy`) out of its ARN; anything unexpected is shown as foreign code. */
export function policySpan(policyArn: string): Span {
  const name = /cluster-access-policy\/([A-Za-z0-9]+)$/.exec(policyArn)?.[1];
  return name ? code(name) : foreignCode(policyArn.slice(0, 200));
}

/** The same as stored text (end notes and audit details keep strings). */
export function policyName(policyArn: string): string {
  return plainText([policySpan(policyArn)]);
}

/** The requester's access today, shown beside the change so the approver sees the difference. */
export function currentAccessPart(current: CurrentAccessInfo | undefined): MessagePart[] {
  if (!current) return [];
  const grants: Rich =
    current.grants.length === 0
      ? ['none']
      : join(
          current.grants.map(
            (g) => rich`${said(g.level, 20)} (${code(g.id)}${g.expiresAt ? `, ends ${utcMinute(g.expiresAt)}` : ''})`,
          ),
          ', ',
        );
  const entry = ((): Rich | undefined => {
    switch (current.entry.kind) {
      case 'aws-auth':
        return undefined; // not the method that will run: the aws-auth diff on the card says what the person has
      case 'none':
        return ['no access entry'];
      case 'unknown':
        return rich`unknown (${said(current.entry.reason, 200)})`;
      case 'present':
        return current.entry.policies.length === 0
          ? ['an access entry with no policies']
          : join(
              current.entry.policies.map((p) => rich`${policySpan(p.policyArn)} (${said(p.scope, 200)})`),
              ', ',
            );
    }
  })();
  return [
    {
      kind: 'text',
      text: rich`${strong('Current access on this cluster')}\n• eks-access grants: ${grants}${entry === undefined ? '' : rich`\n• EKS access entry: ${entry}`}`,
    },
  ];
}
