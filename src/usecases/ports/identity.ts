import type { PersonId } from '../../core/ids.ts';

/** What the chat knows about a person that identity needs (Slack `users.info`, scope `users:read.email`). */
export interface PersonProfile {
  email?: string;
  /** Deactivated in the workspace: never resolved to an identity. */
  isDeleted: boolean;
  isBot: boolean;
}

/** Throws AdapterError when the chat cannot answer; undefined when it has no such person. */
export interface PersonProfiles {
  profile(person: PersonId): Promise<PersonProfile | undefined>;
}

/** An identity a person proved with `link` (a presigned GetCallerIdentity token), until `expiresAt`. */
export interface LinkedIdentity {
  /** The canonical principal: the IAM user or role ARN (a role without its path, as STS reports it). */
  principalArn: string;
  /** For a role: the session name the person signed in with. */
  session?: string;
  /** The ARN STS returned, as returned (an assumed-role session ARN for roles). */
  callerArn: string;
  account: string;
  linkedAt: number;
  expiresAt: number;
}

/** Links by person, in the store. Expired links read as absent. */
export interface IdentityLinks {
  get(person: PersonId): Promise<LinkedIdentity | undefined>;
  put(person: PersonId, link: LinkedIdentity): Promise<void>;
  /** True when there was a link to remove. */
  remove(person: PersonId): Promise<boolean>;
  /**
   * Marks a token (by its digest, never the token) as used until `untilMs`; false when it was used already, so a
   * token pasted twice, or replayed after `unlink`, links nobody.
   */
  claimToken(digest: string, untilMs: number): Promise<boolean>;
}
