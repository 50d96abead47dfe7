import type { FailureInfo } from '../../core/request/request.ts';
import { toAdapterError } from '../../shared/errors.ts';

/** Plain words for an AWS failure, for the requester's thread. Never includes credentials. */
export function describeAdapterFailure(error: unknown, cluster: string, at: number): FailureInfo {
  const adapterError = toAdapterError(error);
  const upstream = adapterError.upstream ? ` (${adapterError.upstream})` : '';
  const message = ((): string => {
    switch (adapterError.code) {
      case 'aws_wrong_mode':
        return `cluster \`${cluster}\` uses the aws-auth ConfigMap (authentication mode CONFIG_MAP), so access entries cannot be created there. Switch it to API_AND_CONFIG_MAP or configure \`method: aws-auth\`.`;
      case 'aws_not_found':
        return `AWS says the cluster or principal was not found${upstream}; check the cluster name and region in the config.`;
      case 'aws_denied':
        return `the executor's AWS identity is not allowed to do this${upstream}; check its IAM policy and roleArn.`;
      case 'aws_unauthenticated':
        return `AWS did not accept the bot's own credentials${upstream}; check the credentials it runs with and its roleArn.`;
      case 'aws_invalid':
        return `EKS rejected the change${upstream}.`;
      case 'aws_throttled':
        return `AWS kept throttling the request${upstream}; try again in a few minutes.`;
      case 'aws_unavailable':
      case 'timeout':
        return `AWS did not answer in time${upstream}; try again in a few minutes.`;
      default:
        return `an unexpected error stopped the grant${upstream}.`;
    }
  })();
  return { code: adapterError.code, message, at };
}
