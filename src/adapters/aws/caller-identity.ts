import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { failedCall } from '../../shared/errors.ts';
import { HTTP_OPTIONS } from './aws-clients.ts';

/** Who runs the process (the SDK's default credential chain), as `aws sts get-caller-identity` prints it. */
export async function callerIdentity(region: string): Promise<{ arn: string; account: string }> {
  const client = new STSClient({ region, requestHandler: HTTP_OPTIONS });
  try {
    const { Arn, Account } = await client.send(new GetCallerIdentityCommand({}));
    if (!Arn) throw new Error('GetCallerIdentity returned no ARN');
    return { arn: Arn, account: Account ?? Arn.split(':')[4] ?? '' };
  } catch (error) {
    throw failedCall('sts:GetCallerIdentity', error);
  } finally {
    client.destroy();
  }
}
