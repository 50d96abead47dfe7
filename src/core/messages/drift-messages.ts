import type { AccessRequest } from '../request/request.ts';
import type { Message } from './message.ts';
import { plainReply } from './request-messages.ts';
import { cluster, code, icon, person, rich, strong } from './rich.ts';

/**
 * To the approvers when a grant was changed outside eks-access and has been ended. `missing`: what is gone, one
 * evidence line each; `restored`: the grant had an exact prior record, so what was provably its own was given back.
 */
export function driftNotice(ended: AccessRequest, missing: readonly string[], restored: boolean): Message {
  const after = restored
    ? 'The grant is ended; what eks-access could prove was its own was given back (see the thread), the rest left as it is.'
    : 'The grant is ended; nothing else was touched.';
  return plainReply(
    rich`${icon('warning')} Drift on ${cluster(ended.cluster)}: ${person(ended.subject)}'s ${strong(ended.level)} grant ${code(ended.id)} was changed outside eks-access (${missing.join('; ')}). ${after} Check who changed the cluster.`,
  );
}
