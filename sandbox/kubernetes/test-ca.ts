/**
 * A throw-away certificate authority and a server certificate for `127.0.0.1`/`localhost`, minted once per process
 * with the `openssl` CLI (Node can verify X.509 but cannot issue it). Keys are EC P-256, valid for one day, and live
 * only in memory: the temp directory is removed as soon as the PEMs are read, and nothing is committed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface TestCertificates {
  /** The CA certificate (PEM): what a client must trust. */
  caPem: string;
  /** base64 of `caPem`, the form EKS returns as `cluster.certificateAuthority.data` and kubeconfig as `caData`. */
  caData: string;
  /** Server certificate (PEM) for `IP:127.0.0.1` and `DNS:localhost`, signed by the CA. */
  certPem: string;
  /** The server certificate's private key (PEM, PKCS#8). */
  keyPem: string;
}

export const OPENSSL_MISSING_MESSAGE =
  'The Kubernetes API fake needs the `openssl` command to mint its test CA, and it was not found on PATH. ' +
  'Install it (Debian/Ubuntu: `apt-get install -y openssl`, Alpine: `apk add openssl`, macOS: `brew install openssl`).';

const execFileAsync = promisify(execFile);

const CONFIG = `
[req]
distinguished_name = dn
prompt = no

[dn]
CN = placeholder

[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

let cached: Promise<TestCertificates> | undefined;

/** The process-wide test CA and server certificate; generated on first use. */
export function testCertificates(): Promise<TestCertificates> {
  cached ??= generateTestCertificates().catch((error: unknown) => {
    cached = undefined; // let a later call retry (for example after installing openssl)
    throw error;
  });
  return cached;
}

/** Mints a fresh CA and server certificate (uncached); `openssl` names the binary, for tests of the failure path. */
export async function generateTestCertificates(openssl = 'openssl'): Promise<TestCertificates> {
  const run = (args: string[]) => runOpenssl(openssl, args);
  const dir = await mkdtemp(join(tmpdir(), 'eks-access-test-ca-'));
  const path = (name: string) => join(dir, name);
  try {
    await writeFile(path('openssl.cnf'), CONFIG);
    const config = ['-config', path('openssl.cnf')];
    const ecKey = ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    await run([...ecKey, '-out', path('ca.key')]);
    await run([
      ...['req', '-x509', '-new', '-key', path('ca.key'), '-out', path('ca.pem'), '-days', '1'],
      ...[...config, '-extensions', 'ca_ext', '-subj', '/CN=eks-access sandbox CA'],
    ]);
    await run([...ecKey, '-out', path('server.key')]);
    await run([
      'req',
      '-new',
      '-key',
      path('server.key'),
      '-out',
      path('server.csr'),
      ...config,
      '-subj',
      '/CN=127.0.0.1',
    ]);
    await run([
      ...['x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'), '-CAkey', path('ca.key')],
      ...['-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', '1', '-out', path('server.pem')],
      ...['-extfile', path('openssl.cnf'), '-extensions', 'server_ext'],
    ]);
    const [caPem, certPem, keyPem] = await Promise.all(
      ['ca.pem', 'server.pem', 'server.key'].map((name) => readFile(path(name), 'utf8')),
    );
    if (caPem === undefined || certPem === undefined || keyPem === undefined) throw new Error('unreachable');
    return { caPem, caData: Buffer.from(caPem).toString('base64'), certPem, keyPem };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runOpenssl(command: string, args: string[]): Promise<void> {
  try {
    await execFileAsync(command, args, { timeout: 30_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(OPENSSL_MISSING_MESSAGE, { cause: error });
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed while minting the test CA: ${stderr.trim() || String(error)}`, {
      cause: error,
    });
  }
}
