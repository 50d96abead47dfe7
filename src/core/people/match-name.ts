/** A workspace member as `users.list` describes them, reduced to what a name is matched against. */
export interface Member {
  id: string;
  /** The username (`name`). */
  name: string;
  displayName?: string;
  realName?: string;
}

/**
 * The members a plain-text `@name` can mean: `name`, `profile.display_name` or `profile.real_name` equal to it,
 * ignoring case and the leading `@`. Exact only: a near match would grant the wrong person.
 */
export function matchMembers(members: readonly Member[], typed: string): Member[] {
  const wanted = typed.replace(/^@/, '').trim().toLowerCase();
  if (wanted === '') return [];
  return members.filter((member) =>
    [member.name, member.displayName, member.realName].some((value) => value?.trim().toLowerCase() === wanted),
  );
}
