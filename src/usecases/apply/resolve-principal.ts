import { accessEntryArn, isParsedArn, parseArn, roleNameToResolve } from '../../core/identity/arn.ts';
import { describeRefusal } from '../../core/messages/describe-refusal.ts';
import { noAccessEntryFor, noSuchRole } from '../../core/messages/grant-texts.ts';
import type { AccessRequest, FailureInfo } from '../../core/request/request.ts';
import type { Deps } from '../ports/deps.ts';
import type { IamDirectory } from '../ports/eks.ts';
import { failure } from '../support/request-lifecycle.ts';

/**
 * The ARN an access entry is keyed by. EKS never accepts a session ARN: an assumed-role ARN is turned into its
 * role's IAM ARN (path included), which costs one GetRole, recorded in `calls`.
 */
export async function resolvePrincipal(
  deps: Pick<Deps, 'clock'>,
  request: AccessRequest,
  iam: IamDirectory,
  calls: string[],
): Promise<{ arn: string } | { failure: FailureInfo }> {
  const invalid = (reason: string) => ({
    failure: failure('invalid_principal', describeRefusal({ code: 'invalid_principal', reason }), deps),
  });
  const parsed = parseArn(request.principalArn);
  if (!isParsedArn(parsed)) return invalid(parsed.reason);
  const direct = accessEntryArn(parsed);
  if (direct) return { arn: direct };
  const roleName = roleNameToResolve(parsed);
  if (!roleName) return invalid(noAccessEntryFor(parsed.kind));
  const arn = await iam.getRoleArn(roleName);
  calls.push(`iam:GetRole ${roleName}`);
  if (!arn) return invalid(noSuchRole(roleName, request.principalArn));
  return { arn };
}
