/**
 * The environment that points a child process's AWS SDK at the loopback fakes, with dummy credentials and no
 * instance metadata look-up. The SDK reads these variables itself (no `endpoint` option in code), which is what
 * the tests, the benchmarks and the demo all rely on.
 */
export function sandboxAwsEnv(
  fakes: { eks: { url: string }; sts: { url: string }; iam: { url: string }; cloudtrail: { url: string } },
  key: { accessKeyId: string; secretAccessKey: string },
  region = 'us-east-1',
): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_REGION: region,
    AWS_ENDPOINT_URL_EKS: fakes.eks.url,
    AWS_ENDPOINT_URL_STS: fakes.sts.url,
    AWS_ENDPOINT_URL_IAM: fakes.iam.url,
    AWS_ENDPOINT_URL_CLOUDTRAIL: fakes.cloudtrail.url,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
