import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateTestCertificates,
  OPENSSL_MISSING_MESSAGE,
  testCertificates,
} from '../../../sandbox/kubernetes/test-ca.ts';

const DAY = 24 * 60 * 60_000;

describe('test CA', () => {
  it('mints a one-day CA and a server certificate for 127.0.0.1 and localhost that the CA signed', async () => {
    const { caPem, caData, certPem, keyPem } = await testCertificates();

    const ca = new X509Certificate(caPem);
    const server = new X509Certificate(certPem);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(Date.parse(server.validTo) - Date.parse(server.validFrom)).toBe(DAY);
    expect(server.publicKey.asymmetricKeyType).toBe('ec');
    expect(Buffer.from(caData, 'base64').toString('utf8')).toBe(caPem);
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('generates once per process', async () => {
    expect(await testCertificates()).toBe(await testCertificates());
  });

  it('names the install command when openssl is missing', async () => {
    const error = await generateTestCertificates('openssl-not-installed-here').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(OPENSSL_MISSING_MESSAGE);
    expect(OPENSSL_MISSING_MESSAGE).toContain('apt-get install -y openssl');
  });
});
