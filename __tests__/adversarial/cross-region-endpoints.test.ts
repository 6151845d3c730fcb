import { validateManifest } from '../../modules/manifest/validate';

/** Builds a service in eu-west-1 that starts with an image, a secret and a parameter in eu-central-1. */
function manifestWithRemoteResources(egress: 'endpoints' | 'nat'): any {
  return {
    defaults: { region: 'eu-west-1' },
    accounts: { shared: { id: '111111111111' }, prod: { id: '222222222222' } },
    kmsKeys: { frankfurt: { account: 'shared', region: 'eu-central-1' } },
    repositories: { app: { account: 'shared', region: 'eu-central-1' } },
    secrets: { db: { account: 'shared', region: 'eu-central-1', kmsKey: 'frankfurt' } },
    services: {
      web: {
        account: 'prod',
        containers: {
          web: {
            image: '111111111111.dkr.ecr.eu-central-1.amazonaws.com/app:1.0',
            secrets: {
              DB_PASSWORD: { secret: 'db' },
              FLAGS: { parameter: 'arn:aws:ssm:eu-central-1:222222222222:parameter/web/flags' },
            },
          },
        },
        network: { vpcId: 'vpc-0a1b2c3d4e5f60718', subnetIds: ['subnet-0a1b2c3d4e5f60711'], egress, routeTableIds: ['rtb-0a1b2c3d4e5f60721'] },
      },
    },
  };
}

function remoteWarnings(egress: 'endpoints' | 'nat') {
  return validateManifest(manifestWithRemoteResources(egress)).warnings.filter((warning) => warning.id === 'endpoint-other-region');
}

describe('endpoints and other regions', () => {
  it('warn for each remote start-up call', () => {
    expect(remoteWarnings('endpoints').map((warning) => warning.path)).toEqual([
      'services.web.containers.web.image',
      'services.web.containers.web.secrets.DB_PASSWORD',
      'services.web.containers.web.secrets.FLAGS',
    ]);
  });

  it('name both regions', () => {
    const [image] = remoteWarnings('endpoints');
    expect(image.message).toContain('eu-central-1');
    expect(image.message).toContain('eu-west-1');
  });

  it('stay silent with a NAT route', () => {
    expect(remoteWarnings('nat')).toEqual([]);
  });
});
