import type { PersonId } from '../../core/ids.ts';
import { asPersonId } from '../../core/ids.ts';
import type { AdminCommand } from '../../core/intent/admin-command.ts';
import { recoverNeedsSubjectReply } from '../../core/messages/admin-messages.ts';
import type { Message } from '../../core/messages/message.ts';
import type { Deps } from '../ports/deps.ts';
import { submitRequest } from '../submit/submit-request.ts';
import { auditRefusal } from '../support/audit-refusal.ts';
import type { Conversation, HandleResult, InboundMessage } from './inbound.ts';

/** `migrate X` and `recover X for @admin`: filed as two-approver requests; nothing happens before approval. */
export async function handleAdminCommand(
  deps: Deps,
  input: InboundMessage,
  user: PersonId,
  command: AdminCommand,
  conversation: Conversation,
  reply: (message: Message) => Promise<void>,
): Promise<HandleResult> {
  if (command.kind === 'recover_needs_subject') {
    await auditRefusal(deps, {
      actor: user,
      action: 'recover',
      refusal: { code: 'recover_needs_subject' },
      requestId: input.requestId,
      cluster: command.cluster,
    });
    await reply(recoverNeedsSubjectReply(command.cluster));
    return { kind: 'replied', reason: 'recover_needs_subject' };
  }
  const subject = command.kind === 'recover' ? asPersonId(command.subject) : user;
  const outcome = await submitRequest(deps, {
    requestId: input.requestId,
    kind: command.kind,
    requester: user,
    subject,
    clusterGiven: command.cluster,
    level: 'cluster-admin',
    namespaces: [],
    reason: command.kind === 'migrate' ? 'switch to API_AND_CONFIG_MAP' : 'lock-out recovery',
    conversation,
  });
  if (!outcome.ok) {
    await reply(outcome.message);
    return { kind: 'replied', reason: `refused:${outcome.code}` };
  }
  return { kind: 'submitted', requestId: outcome.requestId };
}
