import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface SharedProfiles {
  /** Profile name → whether it signs in through IAM Identity Center (SSO). */
  profiles: ReadonlyMap<string, { isSso: boolean }>;
}

/**
 * The profiles in the AWS shared files, read the way the SDK and the CLI find them (AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials). Only section names and whether a profile
 * uses SSO are read: never a key. A missing or unreadable file is just no profiles.
 */
export function readSharedProfiles(env: NodeJS.ProcessEnv): SharedProfiles {
  const home = env['HOME']?.trim() || homedir();
  const configFile = env['AWS_CONFIG_FILE']?.trim() || join(home, '.aws', 'config');
  const credentialsFile = env['AWS_SHARED_CREDENTIALS_FILE']?.trim() || join(home, '.aws', 'credentials');
  const profiles = new Map<string, { isSso: boolean }>();
  for (const [name, keys] of sections(readText(credentialsFile))) profiles.set(name, { isSso: isSso(keys) });
  for (const [section, keys] of sections(readText(configFile))) {
    // In the config file a profile is `[profile name]`, except `[default]`; `[sso-session x]` and others are not profiles.
    const name = section === 'default' ? section : /^profile\s+(.+)$/.exec(section)?.[1]?.trim();
    if (name === undefined) continue;
    profiles.set(name, { isSso: isSso(keys) || (profiles.get(name)?.isSso ?? false) });
  }
  return { profiles };
}

function isSso(keys: ReadonlySet<string>): boolean {
  return keys.has('sso_session') || keys.has('sso_start_url');
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** INI sections and the key names in each (values are never kept). */
function sections(text: string): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header?.[1] !== undefined) {
      current = new Set();
      result.set(header[1].trim(), current);
      continue;
    }
    const key = /^([A-Za-z0-9_]+)\s*=/.exec(line)?.[1];
    if (key !== undefined) current?.add(key.toLowerCase());
  }
  return result;
}
