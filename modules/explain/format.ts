/** Renders an explanation as plain text for a terminal, or as JSON. */
import { sideWords } from './access';
import { Diagnosis, Explanation } from './diagnosis';
import { MessageKind } from './message';

const KIND_WORDS: Record<MessageKind, string> = {
  'image-pull': 'image pull',
  'registry-auth': 'ECR registry authentication',
  'secret-fetch': 'Secrets Manager secret fetch',
  'parameter-fetch': 'SSM parameter fetch',
  'kms-decrypt': 'KMS decrypt',
  'log-delivery': 'log delivery to CloudWatch Logs',
  'role-assumption': 'role assumption by ECS',
  'network-timeout': 'network timeout',
  'ecs-exec-disabled': 'ECS Exec not enabled',
  'ecs-exec-not-connected': 'ECS Exec agent not connected',
  'access-denied': 'access denied',
  'unrecognized': 'unrecognized message',
};

const SOURCE_WORDS = { ecs: 'ECS stopped reason or service event', cloudtrail: 'CloudTrail record', cli: 'aws CLI error' };

/** Joins words as `a`, `a and b`, or `a, b and c`. */
function wordList(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function headline(diagnosis: Diagnosis): string {
  const subject = [diagnosis.service, diagnosis.action, diagnosis.resource].filter(Boolean).join(' | ');
  switch (diagnosis.decision) {
    case 'denied':
      return `DENIED by the ${wordList(diagnosis.sides.map(sideWords))}: ${subject}`;
    case 'blocked':
      return `BLOCKED by the ${wordList(diagnosis.sides.map(sideWords))}: ${subject}`;
    case 'allowed':
      return `ALLOWED by the synthesized output: ${subject}`;
    default:
      return `NOT EVALUATED: ${subject || 'nothing to evaluate'}`;
  }
}

function indent(text: string, prefix: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

export function formatExplanation(explanation: Explanation, format: 'text' | 'json' = 'text'): string {
  if (format === 'json') return JSON.stringify(explanation, null, 2);
  const { message } = explanation;
  const lines: string[] = [`Message: ${KIND_WORDS[message.kind]} (${SOURCE_WORDS[message.source]})`];
  const field = (name: string, value: string | undefined) => {
    if (value) lines.push(`  ${name.padEnd(10)} ${value}`);
  };
  field('principal', message.principal && message.roleArn && message.principal !== message.roleArn ? `${message.principal} (role ${message.roleArn})` : message.roleArn ?? message.principal);
  field('action', message.action);
  field('resource', message.resource ?? message.secretArn);
  if (message.image) field('image', `repository ${message.image.repository} in account ${message.image.account}, ${message.image.region}`);
  field('host', message.host);
  if (message.hint) field('AWS hint', `${message.hint.explicitDeny ? 'explicit deny in a' : 'no'} ${message.hint.policyType}${message.hint.explicitDeny ? '' : ' allows it'}`);
  lines.push(`  output     ${explanation.dir}`);

  for (const diagnosis of explanation.diagnoses) {
    lines.push('', headline(diagnosis));
    if (diagnosis.purpose) lines.push(`  request    ${diagnosis.purpose}`);
    lines.push(indent(diagnosis.reason, '  '));
    if (diagnosis.decidingStatements.length > 0 && diagnosis.decision !== 'allowed') lines.push(`  decided by ${diagnosis.decidingStatements.join(', ')}`);
    if (diagnosis.manifestPath) lines.push(`  manifest   ${diagnosis.manifestPath} (${diagnosis.manifestState === 'missing' ? 'missing from the manifest' : diagnosis.manifestState === 'present' ? 'in the manifest' : 'not checked'})`);
    if (diagnosis.change) lines.push(indent(`change     ${diagnosis.change}`, '  '));
    if (diagnosis.yaml) lines.push('', indent(diagnosis.yaml, '    '));
  }
  if (explanation.diagnoses.length === 0) lines.push('', 'Nothing in the synthesized output matches this message.');

  if (explanation.otherCauses.length > 0) {
    const header = explanation.diagnoses.length > 0 ? 'The synthesized output would allow this. What else produces this message:' : 'Possible causes outside the synthesized output:';
    lines.push('', header);
    explanation.otherCauses.forEach((cause, index) => lines.push(`  ${index + 1}. ${cause}`));
  }
  for (const note of explanation.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
