import { LEVEL_SYNONYMS, type Level } from '../levels.ts';

// The words the parser understands. Everything here is lower-case and compared against a token's
// `word` (punctuation stripped, lower-cased).

export type VerbKind = 'grant' | 'revoke' | 'diagnose' | 'status';

/** Verbs that settle what a message asks for when they appear before the level or cluster. */
export const STRONG_VERBS: ReadonlyMap<string, VerbKind> = new Map<string, VerbKind>([
  ...words('grant give request add allow elevate provision').map((w) => [w, 'grant'] as const),
  ...words('revoke remove drop release done finished cancel end delete relinquish unrequest withdraw').map(
    (w) => [w, 'revoke'] as const,
  ),
  ...words('why diagnose diagnosis doctor debug troubleshoot').map((w) => [w, 'diagnose'] as const),
  ...words('status whoami list').map((w) => [w, 'status'] as const),
]);

/** Strong verbs that count wherever they appear. */
export const UNAMBIGUOUS_VERBS: ReadonlySet<string> = set(
  'grant request revoke relinquish unrequest diagnose doctor troubleshoot why',
);

/** Words that hint at a grant without settling it ("i need …", "can i get …"). */
export const WEAK_GRANT_WORDS: ReadonlySet<string> = set('need needs want get access please pls plz like gimme lemme');

/** Nouns for what is being asked for. */
export const ACCESS_NOUNS: ReadonlySet<string> = set('access permission permissions perms rights privileges role');

/** Words that turn a preceding "need" into a revoke ("no longer need", "don't need"). */
export const NEGATIONS: ReadonlySet<string> = set("longer don't dont not");

/** Words typical of an authentication failure being reported. */
export const DIAGNOSE_SIGNALS: ReadonlySet<string> = set(
  "unauthorized unauthorised forbidden denied 401 403 credentials can't cannot cant unable fail fails failing failed broken error doesn't doesnt isn't isnt won't wont wrong logged",
);

/** Words after which a bare word in a diagnose message is a cluster ("why prod", "can't access qa"). */
export const DIAGNOSE_OBJECT_VERBS: ReadonlySet<string> = set(
  'why diagnose diagnosis doctor debug troubleshoot access reach use hit connect',
);

export const HELP_WORDS: ReadonlySet<string> = set('help usage commands how --help -h');

/** Nouns after "my" that make a status question ("my access", "my requests"). */
export const STATUS_NOUNS: ReadonlySet<string> = set('access requests request grants permissions roles status pending');

export const BREAK_GLASS_WORDS: ReadonlySet<string> = set('breakglass break-glass');

export const REASON_WORDS: ReadonlySet<string> = set('because b/c --reason');

/** Words before "reason" that make it an ordinary noun ("what's the reason …"). */
export const REASON_NOUN_CUES: ReadonlySet<string> = set("the a what what's whats no any for this that my");

export const NAMESPACE_MARKERS: ReadonlySet<string> = set('namespace namespaces ns -n --namespace --namespaces --ns');

/** Words before "namespaces" that mean every namespace, i.e. cluster scope. */
export const ALL_WORDS: ReadonlySet<string> = set('all any every');

export const DURATION_MARKERS: ReadonlySet<string> = set('for --duration --ttl --for -d');

/** Markers after which only a length may follow; anything else there is an unparseable duration. */
export const EXPLICIT_DURATION_MARKERS: ReadonlySet<string> = set('--duration --ttl --for -d');

/** Fillers allowed between "for" and the duration ("for the next 2 hours"). */
export const DURATION_FILLERS: ReadonlySet<string> = set('the next another about around approx approximately ~');

/** Words that ask for more than the longest duration. */
export const FOREVER_WORDS: ReadonlySet<string> = set('forever permanently permanent indefinitely ever always');

/** Words that start an end time, which the bot does not accept ("until 5pm"). */
export const UNTIL_WORDS: ReadonlySet<string> = set('until till til');

/** Units people use that the bot does not accept. */
export const BAD_UNIT = /^(?:w|wk|wks|weeks?|s|secs?|seconds?|mo|mos|months?|y|yrs?|years?|fortnights?)$/;

/** Words between "for" and a ticket id ("for ticket INC-1"). */
export const TICKET_FILLERS: ReadonlySet<string> = set('ticket incident jira issue case change');

/** Flags naming the cluster outright. */
const CLUSTER_MARKERS: ReadonlySet<string> = set('--cluster --context -c');

/** Prepositions before a cluster, strongest first. */
export const CLUSTER_PREPOSITIONS: readonly ReadonlySet<string>[] = [
  CLUSTER_MARKERS,
  set('on at in into onto inside within against'),
  set('to for from with'),
];

/** Words skipped between a preposition and the cluster ("on the prod cluster"). */
export const CLUSTER_FILLERS: ReadonlySet<string> = set('the a an our my your this that cluster eks k8s kubernetes');

/** Ignored level flags (`--level view`). */
export const LEVEL_FLAGS: ReadonlySet<string> = set('--level --role -l');

const STOP_WORDS = set(
  [
    // people and pronouns
    "i i'm im i'd id i've me my mine myself we us our you your yours he she they them their his her him it its",
    'this that these those someone somebody user users bot',
    // small words
    'a an the and or but so also just only still not no yes ok okay hey hi hello yo thanks thank thx ty',
    'to for in on at from with into onto inside within against of as by via up out off back over about',
    'is are am was were be been being do does did done have has had having will would can could should',
    'may might must shall let lets kindly urgently urgent asap now today tonight tomorrow right quick quickly',
    'temporarily temporary temp some any all every more few bit little while time again please pls plz',
    'what which who whom whose when where why how there here then than until till',
    // the domain
    'access permission permissions perms rights privileges privilege role roles level levels scope',
    'cluster clusters namespace namespaces ns eks k8s kube kubernetes kubectl aws iam sso',
    'server client credentials provide asked logged log login logging says say said saying tells told',
    'getting got get gets keep keeps keeps work works working worked see seeing use using run running',
    'pod pods logs log deployment deployments deploy service services secret secrets configmap configmaps',
    'node nodes resource resources thing things stuff everything anything something',
    'emergency glass break incident ticket duration ttl reason because hour hours minute minutes day days',
    'need needs want wants like get gimme lemme give gives',
  ].join(' '),
);

/**
 * Every word the parser gives a meaning to. A cluster name or alias equal to one of these may not be
 * recognised reliably; configuration can warn about it.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  ...STOP_WORDS,
  ...STRONG_VERBS.keys(),
  ...WEAK_GRANT_WORDS,
  ...ACCESS_NOUNS,
  ...NEGATIONS,
  ...DIAGNOSE_SIGNALS,
  ...DIAGNOSE_OBJECT_VERBS,
  ...HELP_WORDS,
  ...BREAK_GLASS_WORDS,
  ...REASON_WORDS,
  ...NAMESPACE_MARKERS,
  ...DURATION_MARKERS,
  ...DURATION_FILLERS,
  ...FOREVER_WORDS,
  ...UNTIL_WORDS,
  ...TICKET_FILLERS,
  ...CLUSTER_PREPOSITIONS.flatMap((group) => [...group]),
  ...CLUSTER_FILLERS,
  ...LEVEL_FLAGS,
  ...Object.keys(LEVEL_SYNONYMS),
]);

export function isReservedWord(word: string): boolean {
  return RESERVED_WORDS.has(word.toLowerCase());
}

/** The level a word names (`read-only`, `read_only`, `Viewer` …), via LEVEL_SYNONYMS. */
export function levelOf(word: string): Level | undefined {
  const key = word.toLowerCase().replaceAll('_', '-');
  return Object.hasOwn(LEVEL_SYNONYMS, key) ? LEVEL_SYNONYMS[key] : undefined;
}

function words(text: string): string[] {
  return text.split(' ').filter((word) => word !== '');
}

function set(text: string): ReadonlySet<string> {
  return new Set(words(text));
}
