import { parseAwsAuth } from '../../core/aws-auth/document.ts';
import { diagnose } from '../../core/diagnose/diagnose.ts';
import { recoveryReport } from '../../core/messages/admin-messages.ts';
import type { AccessRequest } from '../../core/request/request.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import type { FlowDeps } from '../apply/flow-deps.ts';
import { gatherEvidence } from '../diagnose/gather-evidence.ts';
import { recordAudit } from '../support/record-audit.ts';
import { replyInThread } from '../support/request-conversation.ts';

/**
 * After a recovery grant: check the recovered admin's access with the diagnosis engine (the same facts an
 * on-call engineer would look at) and say what still needs fixing, the broken aws-auth keys with their lines.
 */
export async function reportRecovery(
  deps: FlowDeps<'diagnostics' | 'audit' | 'clock'>,
  cluster: ClusterSettings,
  request: AccessRequest,
  calls: readonly string[],
): Promise<void> {
  const evidence = await gatherEvidence(deps, {
    cluster,
    identity: {
      given: request.outcome?.principalArn ?? request.principalArn,
      source: 'mapped',
      mapped: request.principalArn,
    },
    ask: {},
  });
  const diagnosis = diagnose(evidence);
  const broken: { key: string; error: { message: string; line: number; column: number } }[] = [];
  if (evidence.awsAuth.known && evidence.awsAuth.value.present) {
    const doc = parseAwsAuth(evidence.awsAuth.value.data);
    for (const [key, state] of Object.entries(doc.keys)) {
      if (state.status === 'failed') broken.push({ key, error: state.error });
    }
  }
  const actions = [
    ...(request.modeUpdate ? ['switched the authentication mode CONFIG_MAP → API_AND_CONFIG_MAP (one way)'] : []),
    `access entry for \`${request.outcome?.principalArn ?? ''}\` with AmazonEKSClusterAdminPolicy, cluster scope (verified)`,
    ...calls
      .filter((c) => c.startsWith('eks:UpdateClusterConfig') || c.startsWith('eks:CreateAccessEntry'))
      .map((c) => `\`${c}\``),
  ];
  await recordAudit(deps, {
    type: 'recovered',
    actor: 'eks-access',
    requestId: request.id,
    cluster: request.cluster,
    detail: { verdict: diagnosis.verdict, brokenKeys: broken.map((b) => b.key).join(',') },
  });
  await replyInThread(deps, request, 'recovery', recoveryReport(request, actions, diagnosis, broken));
}
