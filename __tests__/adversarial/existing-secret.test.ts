import { ManifestError, ManifestProblem } from '../../modules/core/errors';
import { validateManifest } from '../../modules/manifest/validate';
import { factsFromManifest, verifySynthesizedOutput } from '../../modules/verify';
import { removeSynthesized, synthManifest } from '../helpers/synth';

const EXISTING_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:partner-key-Ab12Cd';

function manifestWithExistingSecret(): any {
  return {
    defaults: { region: 'eu-west-1' },
    accounts: { shared: { id: '111111111111' }, prod: { id: '222222222222' } },
    kmsKeys: { secrets: { account: 'shared' } },
    secrets: { 'partner-key': { account: 'shared', kmsKey: 'secrets', existingArn: EXISTING_ARN } },
    services: {
      web: {
        account: 'prod',
        containers: { web: { image: 'nginx:1.27', secrets: { PARTNER_KEY: { secret: 'partner-key', jsonKey: 'token' } } } },
      },
    },
  };
}

describe('verify of an existing secret', () => {
  it('reads its policy without errors', async () => {
    const result = synthManifest(manifestWithExistingSecret());
    try {
      const report = await verifySynthesizedOutput(result.dir, { facts: factsFromManifest(result.zone) });
      expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
      expect(report.passed).toBe(true);
    } finally {
      removeSynthesized(result);
    }
  });

  it('evaluates the cross-account read on both sides', async () => {
    const result = synthManifest(manifestWithExistingSecret());
    try {
      const report = await verifySynthesizedOutput(result.dir, { facts: factsFromManifest(result.zone) });
      const read = report.results.find(
        (candidate) => candidate.request.principal.endsWith(':role/web-execution') && candidate.request.action === 'secretsmanager:GetSecretValue' && candidate.request.resource === EXISTING_ARN,
      );
      expect(read?.decision).toBe('allowed');
      expect(read?.decidedBy.some((label) => label.includes('aws_secretsmanager_secret_policy.'))).toBe(true);
    } finally {
      removeSynthesized(result);
    }
  });

  it('evaluates the decrypt of its key', async () => {
    const result = synthManifest(manifestWithExistingSecret());
    try {
      const report = await verifySynthesizedOutput(result.dir, { facts: factsFromManifest(result.zone) });
      const decrypt = report.results.find((candidate) => candidate.request.principal.endsWith(':role/web-execution') && candidate.request.action === 'kms:Decrypt' && candidate.request.expected === 'allow');
      expect(decrypt?.decision).toBe('allowed');
    } finally {
      removeSynthesized(result);
    }
  });
});

describe('ARN of a declared existing secret', () => {
  it('rejects another random suffix', () => {
    const manifest = manifestWithExistingSecret();
    manifest.services.web.containers.web.secrets.PARTNER_KEY = { secret: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:partner-key-Zz99Yy' };
    let problems: readonly ManifestProblem[] = [];
    try {
      validateManifest(manifest);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      problems = error.problems;
    }
    expect(problems.map((problem) => [problem.id, problem.path])).toEqual([['secret-arn-stale', 'services.web.containers.web.secrets.PARTNER_KEY.secret']]);
  });
});
