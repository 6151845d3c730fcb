import { validateManifest } from '../../modules/manifest/validate';

function warningFor(secretArn: string) {
  const zone = validateManifest({
    defaults: { region: 'eu-west-1' },
    accounts: { prod: { id: '222222222222' } },
    services: { web: { account: 'prod', containers: { web: { image: 'busybox:1.36', secrets: { BACKUP: { secret: secretArn } } } } } },
  });
  return zone.warnings.find((warning) => warning.id === 'secret-not-managed');
}

describe('secret-not-managed warning', () => {
  it('explains a name read as suffix', () => {
    const warning = warningFor('arn:aws:secretsmanager:eu-west-1:222222222222:secret:db-backup');
    expect(warning?.message).toContain('`db-backup`');
    expect(warning?.message).toContain('random suffix `backup`');
  });

  it('keeps a partial ARN plain', () => {
    const warning = warningFor('arn:aws:secretsmanager:eu-west-1:222222222222:secret:db-backups');
    expect(warning?.message).not.toContain('random suffix');
  });
});

describe('repository-not-managed warning', () => {
  it('asks no policy in one account', () => {
    const zone = validateManifest({
      defaults: { region: 'eu-west-1' },
      accounts: { prod: { id: '222222222222' } },
      services: { web: { account: 'prod', containers: { web: { image: '222222222222.dkr.ecr.eu-west-1.amazonaws.com/web:1.0' } } } },
    });
    const warning = zone.warnings.find((candidate) => candidate.id === 'repository-not-managed');
    expect(warning?.message).not.toContain('repository policy');
  });
});
