import { ManifestError, ManifestProblem } from '../../modules/core/errors';
import { validateManifest } from '../../modules/manifest/validate';

function problemsOf(manifest: unknown): readonly ManifestProblem[] {
  try {
    validateManifest(manifest);
    return [];
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
}

describe('aws-cn manifest problems', () => {
  it('suggest the China ECR host', () => {
    const problems = problemsOf({
      partition: 'aws-cn',
      defaults: { region: 'cn-north-1' },
      accounts: { shared: { id: '111111111111' }, prod: { id: '222222222222' } },
      repositories: { app: { account: 'shared' } },
      services: {
        web: { account: 'prod', containers: { web: { image: '111111111111.dkr.ecr.cn-northwest-1.amazonaws.com.cn/app:1.0' } } },
      },
    });
    const mismatch = problems.find((problem) => problem.id === 'image-repository-mismatch');
    expect(mismatch?.fix).toBe('use the host 111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn');
  });
});
