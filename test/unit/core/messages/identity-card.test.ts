import { describe, expect, it } from 'vitest';
import { renderBlockKit } from '../../../../src/adapters/slack/render/block-kit.ts';
import { renderMessageText } from '../../../../src/adapters/terminal/message-text.ts';
import { asPrincipalArn } from '../../../../src/core/ids.ts';
import type { Message } from '../../../../src/core/messages/message.ts';
import { requestCard } from '../../../../src/core/messages/request-messages.ts';
import { plainText } from '../../../../src/core/messages/rich.ts';
import { stepUpSummary } from '../../../../src/core/messages/step-up-text.ts';
import { pendingRequest } from '../request/fixtures.ts';

const POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const SSO_ROLE = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123abcd';

const slack = (message: Message) => JSON.stringify(renderBlockKit(message).blocks);
const terminal = (message: Message) => renderMessageText(message, { names: { U0ALICE: 'alice' } }).lines.join('\n');

describe('the card names the identity and where it came from, in both renderers', () => {
  const sso = pendingRequest({
    principalArn: asPrincipalArn(SSO_ROLE),
    session: 'alice@example.com',
    identitySource: 'sso',
  });

  it('an SSO session: whose session, on which role, from IAM Identity Center, others not affected', () => {
    const card = requestCard(sso, POLICY, 1);

    expect(slack(card)).toContain(
      '*Identity*: <@U0ALICE> as `alice@example.com` on `AWSReservedSSO_Developer_0123abcd` (from IAM Identity Center)',
    );
    expect(terminal(card)).toContain(
      'Identity: @alice as `alice@example.com` on `AWSReservedSSO_Developer_0123abcd` (from IAM Identity Center)',
    );
    expect(terminal(card)).toContain(
      "Only @alice's session (`alice@example.com`) on `AWSReservedSSO_Developer_0123abcd` gets view: other people who sign in to `AWSReservedSSO_Developer_0123abcd` are not affected",
    );
    // The change is a binding for that session, never an access policy on the shared role.
    expect(terminal(card)).toContain(
      'a ClusterRoleBinding of the Kubernetes username of the session `alice@example.com` to the ClusterRole `view`',
    );
    expect(terminal(card)).not.toContain(`+ ${POLICY}`);
    expect(terminal(card)).not.toContain('everyone who signs in');
  });

  it('a users: principal says (from users); a link says when it was proved', () => {
    const users = requestCard(pendingRequest(), POLICY, 1);
    const linked = requestCard(
      pendingRequest({
        principalArn: asPrincipalArn('arn:aws:iam::111122223333:role/ops'),
        session: 'alice',
        identitySource: 'link',
        linkedAt: Date.UTC(2026, 11, 1, 9, 30),
      }),
      POLICY,
      1,
    );

    expect(terminal(users)).toContain('Identity: @alice as `arn:aws:iam::111122223333:user/alice` (from `users`)');
    expect(slack(users)).toContain('as `arn:aws:iam::111122223333:user/alice` (from `users`)');
    expect(terminal(linked)).toContain('as `alice` on `ops` (linked 2026-12-01)');
  });

  it('a whole shared role: the bold warning in Slack, plain words in the terminal, and the step-up button', () => {
    const shared = pendingRequest({
      principalArn: asPrincipalArn(SSO_ROLE),
      sharedRole: { roleArn: SSO_ROLE, reason: 'sso-reserved' },
    });
    const card = requestCard(shared, POLICY, 1);

    expect(slack(card)).toContain(`*This grants view to everyone who signs in to \`${SSO_ROLE}\`*`);
    expect(terminal(card)).toContain(
      `This grants view to everyone who signs in to \`${SSO_ROLE}\`, not only @alice (an IAM Identity Center role`,
    );
    expect(terminal(card)).not.toMatch(/\*This grants/);
    expect(terminal(card)).toContain('Approving it needs a step-up');
    expect(card.parts.flatMap((p) => (p.kind === 'buttons' ? p.buttons.map((b) => b.action) : []))).toEqual([
      'approve-step-up',
      'deny',
    ]);
    expect(plainText(stepUpSummary(shared, POLICY))).toContain('This grants view to everyone who signs in to');
  });

  it('says why a role listed twice in users: is shared', () => {
    const card = requestCard(
      pendingRequest({
        principalArn: asPrincipalArn('arn:aws:iam::111122223333:role/platform'),
        sharedRole: { roleArn: 'arn:aws:iam::111122223333:role/platform', reason: 'several-users', people: 3 },
      }),
      POLICY,
      1,
    );

    expect(terminal(card)).toContain('(3 people in `users` map to it)');
  });
});
