/**
 * Heuristics for credentials put in plain environment variables, which anyone allowed
 * `ecs:DescribeTaskDefinition` can read. A name is checked word by word so that `DB_PASSWORD`
 * matches and `PASSWORD_MIN_LENGTH` does not.
 */

/** Words, or word pairs, that name a credential when they end a variable name. */
const CREDENTIAL_WORDS = ['PASSWORD', 'PASSWD', 'PWD', 'PASSPHRASE', 'SECRET', 'TOKEN', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY', 'PRIVATEKEY', 'SECRETKEY', 'ACCESSKEY', 'AUTHKEY', 'SIGNINGKEY', 'ENCRYPTIONKEY', 'MASTERKEY', 'CLIENTSECRET'];
const CREDENTIAL_PAIRS = ['API_KEY', 'PRIVATE_KEY', 'SECRET_KEY', 'ACCESS_KEY', 'AUTH_KEY', 'SIGNING_KEY', 'ENCRYPTION_KEY', 'MASTER_KEY', 'ACCESS_KEY_ID', 'SESSION_TOKEN'];

/**
 * Words that, when they end the name, say the variable describes a credential (where it is, how
 * long it lives) rather than contains it.
 */
const METADATA_WORDS = ['LENGTH', 'LEN', 'MIN', 'MAX', 'TTL', 'EXPIRY', 'EXPIRES', 'EXPIRATION', 'TIMEOUT', 'AGE', 'FILE', 'PATH', 'DIR', 'NAME', 'ARN', 'ID', 'URL', 'URI', 'ENDPOINT', 'HEADER', 'FIELD', 'PARAMETER', 'PARAM', 'REF', 'ENABLED', 'DISABLED', 'REQUIRED', 'POLICY', 'ROTATION', 'TYPE', 'ALGORITHM', 'FORMAT', 'PREFIX', 'VERSION', 'COUNT', 'LIMIT', 'RETRIES', 'MODE', 'HOST', 'PORT', 'USER', 'USERNAME', 'REGION'];

/** Splits `dbPassword`, `db-password` and `DB_PASSWORD` into upper-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toUpperCase());
}

/** Returns whether a variable name says it contains a credential. */
export function isCredentialName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  const last = words.at(-1)!;
  if (METADATA_WORDS.includes(last) && !(last === 'ID' && words.at(-2) === 'KEY' && words.at(-3) === 'ACCESS')) return false;
  const joined = words.join('_');
  if (CREDENTIAL_PAIRS.some((pair) => joined === pair || joined.endsWith(`_${pair}`))) return true;
  return CREDENTIAL_WORDS.includes(last);
}

const CREDENTIAL_VALUES: readonly { readonly kind: string; readonly pattern: RegExp }[] = [
  { kind: 'an AWS access key id', pattern: /\b(AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/ },
  { kind: 'a private key', pattern: /-----BEGIN ([A-Z]+ )*PRIVATE KEY( BLOCK)?-----/ },
  { kind: 'a URL with a user and password', pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
  { kind: 'a GitHub token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/ },
  { kind: 'a Slack token', pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}\b/ },
  { kind: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
];

/** Returns what kind of credential a value looks like, or undefined. */
export function credentialValueKind(value: string): string | undefined {
  return CREDENTIAL_VALUES.find(({ pattern }) => pattern.test(value))?.kind;
}
