import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudTrailFake } from '../../../sandbox/aws/cloudtrail.ts';
import { type CredentialRejection, credentialRejection } from '../../../sandbox/aws/credential-rejection.ts';
import { EksFake } from '../../../sandbox/aws/eks.ts';
import { IamFake } from '../../../sandbox/aws/iam.ts';
import { StsFake } from '../../../sandbox/aws/sts.ts';
import { credentialProblemOf, toAdapterError } from '../../../src/shared/errors.ts';
import { SANDBOX_CREDENTIALS, setEnv } from './aws-env.ts';

let sts: StsFake;
let iam: IamFake;
let eks: EksFake;
let cloudtrail: CloudTrailFake;
let restoreEnv: () => void;

beforeAll(async () => {
  [sts, iam, eks, cloudtrail] = await Promise.all([
    StsFake.start(),
    IamFake.start(),
    EksFake.start(),
    CloudTrailFake.start(),
  ]);
  restoreEnv = setEnv({
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ENDPOINT_URL_IAM: iam.url,
    AWS_ENDPOINT_URL_EKS: eks.url,
    AWS_ENDPOINT_URL_CLOUDTRAIL: cloudtrail.url,
  });
});

afterAll(async () => {
  restoreEnv();
  await Promise.all([sts.close(), iam.close(), eks.close(), cloudtrail.close()]);
});

const options = { region: 'us-east-1', credentials: SANDBOX_CREDENTIALS, maxAttempts: 1 };

/** Each service's call, made by the real SDK client, and the error it threw. */
const CALLS = {
  sts: () => new STSClient(options).send(new GetCallerIdentityCommand({})),
  iam: () => new IAMClient(options).send(new GetUserCommand({ UserName: 'alice' })),
  eks: () => new EKSClient(options).send(new DescribeClusterCommand({ name: 'prod' })),
  cloudtrail: () => new CloudTrailClient(options).send(new LookupEventsCommand({})),
};

describe('a refused access key, through the real SDK clients', () => {
  it.each([
    ['expired', 'sts', 'ExpiredToken', 403, 'expired'],
    ['unknown_key', 'sts', 'InvalidClientTokenId', 403, 'invalid'],
    ['bad_signature', 'iam', 'SignatureDoesNotMatch', 403, 'invalid'],
    ['expired', 'eks', 'ExpiredTokenException', 403, 'expired'],
    ['unknown_key', 'eks', 'UnrecognizedClientException', 403, 'invalid'],
    ['bad_signature', 'eks', 'InvalidSignatureException', 403, 'invalid'],
    ['unknown_key', 'cloudtrail', 'UnrecognizedClientException', 400, 'invalid'],
    ['expired', 'cloudtrail', 'ExpiredTokenException', 400, 'expired'],
  ] as const)('%s on %s: %s (%i), classified as %s', async (kind, service, name, status, problem) => {
    const fakes = { sts, iam, eks, cloudtrail };
    const protocol = service === 'eks' ? 'restJson1' : service === 'cloudtrail' ? 'awsJson1_1' : 'awsQuery';
    fakes[service].rejectAccessKey(
      SANDBOX_CREDENTIALS.accessKeyId,
      credentialRejection(protocol, kind as CredentialRejection),
    );

    const error = await CALLS[service]().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    fakes[service].acceptAccessKey(SANDBOX_CREDENTIALS.accessKeyId);

    expect(error).toMatchObject({ name, $metadata: { httpStatusCode: status } });
    const adapterError = toAdapterError(error);
    expect(adapterError.code).toBe('aws_unauthenticated');
    expect(credentialProblemOf(adapterError)).toBe(problem);
  });

  it('another key is still served', async () => {
    sts.rejectAccessKey('AKIAANOTHERKEY000001', credentialRejection('awsQuery', 'expired'));

    const identity = await CALLS.sts();

    expect(identity.Arn).toBe('arn:aws:iam::111122223333:user/sandbox');
  });
});
