import { factsFromManifest, verifySynthesizedOutput } from '../../modules/verify';
import { removeSynthesized, synthManifest } from '../helpers/synth';

/** Builds a manifest with one account that owns the repository and runs the service. */
function oneAccount(access: 'roles' | 'organization'): any {
  return {
    organizationId: 'o-a1b2c3d4e5',
    defaults: { region: 'eu-west-1' },
    accounts: { main: { id: '111111111111' } },
    repositories: { api: { account: 'main', access } },
    services: {
      api: {
        account: 'main',
        containers: { app: { image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/api:1.0.0', port: 8080 } },
        taskRole: { statements: [{ sid: 'ReadUploads', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::uploads-111111111111/*'] }] },
      },
    },
  };
}

describe('verify with organization-wide access', () => {
  test.each(['roles', 'organization'] as const)('same-account %s access passes', async (access) => {
    const result = synthManifest(oneAccount(access));
    try {
      const report = await verifySynthesizedOutput(result.dir, { facts: factsFromManifest(result.zone) });
      expect(report.results.filter((entry) => !entry.passed).map((entry) => entry.request.purpose)).toEqual([]);
      const taskRolePulls = report.results.filter((entry) => entry.request.principal.endsWith('role/api-task') && entry.request.action === 'ecr:BatchGetImage');
      // With role access the task role must be denied; organization access admits it by design.
      expect(taskRolePulls.length).toBe(access === 'roles' ? 1 : 0);
    } finally {
      removeSynthesized(result);
    }
  });
});
