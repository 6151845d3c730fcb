/**
 * Generates landing-zone manifests of a given size, shaped like `examples/landing-zone.yaml`:
 * one shared account with the repositories, keys and secrets, and services spread round-robin
 * over the workload accounts, each with an application container and an APIPark gateway, a
 * network, an internal load balancer, secrets and SecureString parameters.
 *
 * With one account, the shared account runs the services too. Keys and the APIPark secrets are
 * per workload account, so no key or secret policy lists more than that account's execution
 * roles; one zone-wide key would pass the 32,768-character key policy quota at a few hundred
 * services. The gateway repository, pulled by every service, is shared with the organization.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { formatArn, roleArn } from '../modules/core/arn';

export interface LandingZoneSize {
  readonly services: number;
  readonly accounts: number;
}

export const PARTITION = 'aws';
export const REGION = 'eu-west-1';
export const ORGANIZATION_ID = 'o-bench0example';
export const SHARED_ACCOUNT_KEY = 'shared';
export const GATEWAY_REPOSITORY = 'gateway-images';
export const IMAGE_KEY = 'ecr-images';

/** A workload account as the generator lays it out; the baseline app reads the same layout. */
export interface WorkloadAccount {
  readonly key: string;
  readonly id: string;
  /** Twelve hexadecimal digits that make the account's VPC, subnet and route table ids unique. */
  readonly hex: string;
  readonly secretsKey: string;
  readonly configKey: string;
  readonly licenseSecret: string;
  readonly datastoresSecret: string;
  readonly partnerSecret: string;
}

export interface GeneratedService {
  readonly name: string;
  readonly account: WorkloadAccount;
  readonly repository: string;
  readonly imageTag: string;
  readonly dbSecret: string;
}

export interface LandingZoneLayout {
  readonly size: LandingZoneSize;
  readonly sharedAccountId: string;
  readonly workloads: readonly WorkloadAccount[];
  readonly services: readonly GeneratedService[];
}

const SHARED_ACCOUNT_ID = '111111111111';

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Lays out accounts and services for a size; the manifest and the baseline app are both built from it. */
export function layoutLandingZone(size: LandingZoneSize): LandingZoneLayout {
  if (!Number.isInteger(size.services) || size.services < 1) throw new RangeError(`services must be a positive integer, got ${size.services}`);
  if (!Number.isInteger(size.accounts) || size.accounts < 1 || size.accounts > 99) {
    throw new RangeError(`accounts must be an integer from 1 to 99, got ${size.accounts}`);
  }
  const workloadCount = Math.max(1, size.accounts - 1);
  const workloads: WorkloadAccount[] = [];
  for (let index = 1; index <= workloadCount; index++) {
    const key = size.accounts === 1 ? SHARED_ACCOUNT_KEY : `workload-${pad(index, 2)}`;
    workloads.push({
      key,
      id: size.accounts === 1 ? SHARED_ACCOUNT_ID : `2000000000${pad(index, 2)}`,
      hex: `0a0b0c0d${pad(index, 4)}`,
      secretsKey: `${key}-secrets`,
      configKey: `${key}-config`,
      licenseSecret: `${key}/apipark-license-key`,
      datastoresSecret: `${key}/apipark-datastores`,
      partnerSecret: `${key}/partner-api-key`,
    });
  }
  const width = Math.max(4, String(size.services).length);
  const services: GeneratedService[] = [];
  for (let index = 1; index <= size.services; index++) {
    const name = `svc-${pad(index, width)}`;
    services.push({
      name,
      account: workloads[(index - 1) % workloads.length],
      repository: name,
      imageTag: `1.${index % 10}.${index % 7}`,
      dbSecret: `${name}/db-credentials`,
    });
  }
  return { size, sharedAccountId: SHARED_ACCOUNT_ID, workloads, services };
}

export function imageUri(accountId: string, repository: string, tag: string): string {
  return `${accountId}.dkr.ecr.${REGION}.amazonaws.com/${repository}:${tag}`;
}

/** The manifest object for a layout, in the input shape `validateManifest` accepts. */
export function manifestFor(layout: LandingZoneLayout): Record<string, unknown> {
  const shared = layout.sharedAccountId;
  const securityAdmin = roleArn(PARTITION, shared, 'security-admin');
  const accounts: Record<string, unknown> = {
    [SHARED_ACCOUNT_KEY]: {
      id: shared,
      alias: 'shared-services',
      deploymentRoleArn: roleArn(PARTITION, shared, 'terraform-deployer'),
      stateBucket: `bench-terraform-state-${shared}`,
    },
  };
  const kmsKeys: Record<string, unknown> = {
    [IMAGE_KEY]: { account: SHARED_ACCOUNT_KEY, description: 'Encrypts container images at rest' },
  };
  const repositories: Record<string, unknown> = {
    [GATEWAY_REPOSITORY]: { account: SHARED_ACCOUNT_KEY, kmsKey: IMAGE_KEY, access: 'organization' },
  };
  const secrets: Record<string, unknown> = {};
  for (const workload of layout.workloads) {
    if (workload.key !== SHARED_ACCOUNT_KEY) {
      accounts[workload.key] = {
        id: workload.id,
        deploymentRoleArn: roleArn(PARTITION, workload.id, 'terraform-deployer'),
        stateBucket: `bench-terraform-state-${workload.id}`,
      };
    }
    kmsKeys[workload.secretsKey] = {
      account: SHARED_ACCOUNT_KEY,
      description: `Encrypts the secrets that ${workload.key} reads`,
      administrators: [securityAdmin],
    };
    kmsKeys[workload.configKey] = {
      account: SHARED_ACCOUNT_KEY,
      description: `Encrypts SecureString parameters in ${workload.key}`,
      administrators: [securityAdmin],
    };
    secrets[workload.licenseSecret] = { account: SHARED_ACCOUNT_KEY, kmsKey: workload.secretsKey, description: 'APIPark license key' };
    secrets[workload.datastoresSecret] = { account: SHARED_ACCOUNT_KEY, kmsKey: workload.secretsKey, description: 'Passwords of the APIPark stores' };
    secrets[workload.partnerSecret] = { account: SHARED_ACCOUNT_KEY, kmsKey: workload.secretsKey, description: 'Key for the partner API' };
  }

  const services: Record<string, unknown> = {};
  for (const service of layout.services) {
    repositories[service.repository] = { account: SHARED_ACCOUNT_KEY, kmsKey: IMAGE_KEY };
    secrets[service.dbSecret] = { account: SHARED_ACCOUNT_KEY, kmsKey: service.account.secretsKey, description: `Database credentials of ${service.name}` };
    services[service.name] = serviceManifest(layout, service);
  }

  return {
    partition: PARTITION,
    organizationId: ORGANIZATION_ID,
    defaults: { region: REGION, logRetentionDays: 30 },
    accounts,
    kmsKeys,
    repositories,
    secrets,
    services,
  };
}

function serviceManifest(layout: LandingZoneLayout, service: GeneratedService): Record<string, unknown> {
  const { account } = service;
  const hex = account.hex;
  const internalDomain = `${account.key}.internal`;
  return {
    account: account.key,
    cpu: 1024,
    memory: 2048,
    containers: {
      app: {
        image: imageUri(layout.sharedAccountId, service.repository, service.imageTag),
        port: 8080,
        user: '1000:1000',
        writablePaths: ['/tmp'],
        healthCheck: { command: ['CMD-SHELL', 'wget -q -O /dev/null http://localhost:8080/health || exit 1'] },
        environment: { LOG_LEVEL: 'info', SERVICE_NAME: service.name },
        secrets: {
          DB_USERNAME: { secret: service.dbSecret, jsonKey: 'username' },
          DB_PASSWORD: { secret: service.dbSecret, jsonKey: 'password' },
          PARTNER_API_KEY: { secret: account.partnerSecret },
          DB_HOST: { parameter: `/${service.name}/db-host`, kmsKey: account.configKey },
          FEATURE_FLAGS: { parameter: `/${service.name}/feature-flags`, kmsKey: account.configKey },
        },
      },
    },
    gateway: {
      preset: 'apipark',
      image: imageUri(layout.sharedAccountId, GATEWAY_REPOSITORY, 'apipark-1.7.3'),
      environment: {
        MYSQL_IP: `apipark-mysql.${internalDomain}`,
        MYSQL_USER_NAME: 'apipark',
        REDIS_ADDR: `apipark-redis.${internalDomain}:6379`,
        INFLUXDB_ADDR: `http://apipark-influxdb.${internalDomain}:8086`,
      },
      secrets: {
        APIPARK_LICENSE_KEY: { secret: account.licenseSecret },
        ADMIN_PASSWORD: { secret: account.datastoresSecret, jsonKey: 'admin' },
        MYSQL_PWD: { secret: account.datastoresSecret, jsonKey: 'mysql' },
        REDIS_PWD: { secret: account.datastoresSecret, jsonKey: 'redis' },
        INFLUXDB_TOKEN: { secret: account.datastoresSecret, jsonKey: 'influxdb' },
      },
    },
    network: {
      vpcId: `vpc-${hex}aaaaa`,
      subnetIds: [`subnet-${hex}00001`, `subnet-${hex}00002`],
      egress: 'nat',
      egressRules: [
        { description: 'APIPark MySQL', port: 3306, cidr: '10.20.8.0/22' },
        { description: 'APIPark Redis', port: 6379, cidr: '10.20.8.0/22' },
      ],
    },
    loadBalancer: {
      scheme: 'internal',
      subnetIds: [`subnet-${hex}00011`, `subnet-${hex}00012`],
      certificateArn: formatArn({ partition: PARTITION, service: 'acm', region: REGION, account: account.id, resource: `certificate/0b1c2d3e-4f5a-4b6c-8d7e-${hex}` }),
      allowedCidrs: ['10.0.0.0/8'],
    },
    desiredCount: 2,
    autoscaling: { minCapacity: 2, maxCapacity: 6 },
    taskRole: {
      statements: [
        {
          sid: 'ReadUploads',
          actions: ['s3:GetObject'],
          resources: [formatArn({ partition: PARTITION, service: 's3', region: '', account: '', resource: `${service.name}-uploads-${account.id}/*` })],
        },
      ],
    },
  };
}

/** Writes the manifest for a size into `dir` as YAML (or JSON) and returns the file's path. */
export function writeManifest(size: LandingZoneSize, dir: string, format: 'yaml' | 'json' = 'yaml'): string {
  mkdirSync(dir, { recursive: true });
  const manifest = manifestFor(layoutLandingZone(size));
  const file = join(dir, `landing-zone-${size.services}x${size.accounts}.${format}`);
  writeFileSync(file, format === 'yaml' ? stringify(manifest, { lineWidth: 0 }) : JSON.stringify(manifest, null, 2));
  return file;
}
