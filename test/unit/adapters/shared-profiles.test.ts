import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSharedProfiles } from '../../../src/adapters/aws/shared-profiles.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function files(config: string, credentials: string): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'shared-profiles-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  return { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
}

describe('readSharedProfiles', () => {
  it('finds profiles in both files and which sign in through SSO', () => {
    const env = files(
      '[default]\nregion = eu-west-1\n\n[profile dev]\nsso_session = corp\nsso_account_id = 1\n# [profile commented]\n[sso-session corp]\nsso_start_url = https://x\n[profile legacy]\nsso_start_url = https://x\n',
      '[ops]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n',
    );

    const { profiles } = readSharedProfiles(env);

    expect(Object.fromEntries(profiles)).toEqual({
      ops: { isSso: false },
      default: { isSso: false },
      dev: { isSso: true },
      legacy: { isSso: true },
    });
  });

  it('missing files are no profiles, not an error', () => {
    const { profiles } = readSharedProfiles({ HOME: '/nonexistent-home-for-test' });

    expect(profiles.size).toBe(0);
  });
});
