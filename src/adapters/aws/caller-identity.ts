import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { toAdapterError } from '../../shared/errors.ts';
import { HTTP_OPTIONS } from './aws-clients.ts';

/** The ARN of whoever runs the process (the SDK's default credential chain), as `aws sts get-caller-identity`. */
export async function callerArn(region: string): Promise<string> {
  const client = new STSClient({ region, requestHandler: HTTP_OPTIONS });
  try {
    const { Arn } = await client.send(new GetCallerIdentityCommand({}));
    if (!Arn) throw new Error('GetCallerIdentity returned no ARN');
    return Arn;
  } catch (error) {
    throw toAdapterError(error);
  } finally {
    client.destroy();
  }
}
