/**
 * Environment for real AWS SDK clients talking to the loopback fakes. SDK v3 reads `AWS_ENDPOINT_URL_<SERVICE>` when a
 * client sends its first request (then keeps it for that client), so set the variables before the first call and
 * restore them afterwards: other test files in the same worker must not inherit them.
 */

export const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIASANDBOXEXAMPLE01', secretAccessKey: 'sandbox-secret' } as const;

const ISOLATING_VARIABLES = {
  AWS_REGION: 'us-east-1',
  // Keep a developer's ~/.aws files and profile out of the picture (a `[services]` section could redirect endpoints).
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_PROFILE: undefined,
  AWS_ENDPOINT_URL: undefined,
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
} as const;

/** Sets the variables (undefined deletes one) and returns a function that puts every touched variable back. */
export function setEnv(variables: Record<string, string | undefined>): () => void {
  const all = { ...ISOLATING_VARIABLES, ...variables };
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(all)) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
