import { ManifestError, formatProblem } from '../../modules/core/errors';
import { parseManifestText } from '../../modules/manifest/load';
import { validateManifest } from '../../modules/manifest/validate';
import { JsonObject, REMOVE, editedExample, exampleText, getPath, loadExample, renameKey, setPath } from '../fixtures/manifests/example';
import { manifestProblems } from '../helpers/synth';

/**
 * One row per bad manifest: a small edit of the bundled example, the rule id and field path it
 * must be reported under, and a fragment of the message. Unless `cascade` is set, the edit must
 * produce exactly that one problem, so the user sees one clear error and not a pile of echoes.
 */
interface BadManifest {
  readonly name: string;
  readonly edit: (manifest: JsonObject) => void;
  readonly id: string;
  readonly path: string;
  readonly fragment: string;
  /** The edit breaks other fields too (a partition change touches every ARN); only the named problem is asserted. */
  readonly cascade?: boolean;
}

const APP = 'services.my-app1.containers.app';
const GATEWAY = 'services.my-app1.gateway';
const STATEMENT = 'services.my-app1.taskRole.statements.0';
const ECR = '111111111111.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'a'.repeat(64)}`;

const set = (path: string, value: unknown) => (manifest: JsonObject) => setPath(manifest, path, value as never);
const remove = (path: string) => (manifest: JsonObject) => setPath(manifest, path, REMOVE);

const CORPUS: readonly BadManifest[] = [
  // Identifiers
  { name: 'account id of eleven digits', edit: set('accounts.prod.id', '22222222222'), id: 'account-id-invalid', path: 'accounts.prod.id', fragment: 'exactly twelve digits' },
  { name: 'account id with a letter', edit: set('accounts.prod.id', '22222222222a'), id: 'account-id-invalid', path: 'accounts.prod.id', fragment: '(got: "22222222222a")' },
  { name: 'account id as a YAML number', edit: set('accounts.prod.id', 222222222222), id: 'account-id-invalid', path: 'accounts.prod.id', fragment: 'quote the id' },
  { name: 'account id used twice', edit: set('accounts.staging.id', '222222222222'), id: 'account-id-duplicate', path: 'accounts.staging.id', fragment: 'already used by accounts.prod' },
  { name: 'service in an unknown account', edit: set('services.my-app1.account', 'production'), id: 'account-unknown', path: 'services.my-app1.account', fragment: 'use one of: shared, prod, staging' },
  { name: 'repository in an unknown account', edit: set('repositories.my-ecs-repo-common.account', 'shard'), id: 'account-unknown', path: 'repositories.my-ecs-repo-common.account', fragment: 'a key of `accounts`', cascade: true },
  { name: 'secret with an unknown key', edit: set('secrets.shared-api-key.kmsKey', 'app-secret'), id: 'kms-key-unknown', path: 'secrets.shared-api-key.kmsKey', fragment: 'use one of: app-secrets, app-config, ecr-images' },
  { name: 'parameter with an unknown key', edit: set(`${APP}.secrets.DB_HOST.kmsKey`, 'config'), id: 'kms-key-unknown', path: `${APP}.secrets.DB_HOST.kmsKey`, fragment: 'a key of `kmsKeys`' },
  { name: 'repository key in another region', edit: set('kmsKeys.ecr-images.region', 'eu-central-1'), id: 'kms-key-location', path: 'repositories.my-ecs-repo-app1.kmsKey', fragment: 'same account and region', cascade: true },
  { name: 'China region in partition aws', edit: set('services.my-app1.region', 'cn-north-1'), id: 'region-not-in-partition', path: 'services.my-app1.region', fragment: 'partition `aws`' },
  { name: 'GovCloud region in partition aws', edit: set('services.my-app1.region', 'us-gov-west-1'), id: 'region-not-in-partition', path: 'services.my-app1.region', fragment: 'set `partition`' },
  { name: 'commercial region in aws-cn', edit: set('partition', 'aws-cn'), id: 'region-not-in-partition', path: 'defaults.region', fragment: 'partition `aws-cn`', cascade: true },
  { name: 'commercial region in aws-us-gov', edit: set('partition', 'aws-us-gov'), id: 'region-not-in-partition', path: 'defaults.region', fragment: 'use a region of aws-us-gov', cascade: true },
  { name: 'default region misspelled', edit: set('defaults.region', 'eu-cental-1'), id: 'region-unknown', path: 'defaults.region', fragment: 'did you mean eu-central-1?', cascade: true },
  { name: 'service region not listed', edit: set('services.my-app1.region', 'us-east-7'), id: 'region-unknown', path: 'services.my-app1.region', fragment: 'did you mean us-east-1?' },
  { name: 'region name misspelled', edit: set('accounts.prod.stateRegion', 'eu-west'), id: 'region-not-in-partition', path: 'accounts.prod.stateRegion', fragment: '(got: "eu-west")' },
  {
    name: 'containers differing in case',
    edit: set('services.my-app1.containers.App', { image: `${ECR}/my-ecs-repo-app1:1.4.2` }),
    id: 'container-name-duplicate',
    path: 'services.my-app1.containers.App',
    fragment: 'only in case',
  },
  {
    name: 'container named like the gateway',
    edit: (manifest) => setPath(manifest, 'services.my-app1.containers.Gateway', { image: `${ECR}/my-ecs-repo-app1:1.4.2` }),
    id: 'container-name-duplicate',
    path: 'services.my-app1.containers.Gateway',
    fragment: 'gateway container `gateway`',
  },
  {
    name: 'container named gateway',
    edit: (manifest) => setPath(manifest, 'services.my-app1.containers.gateway', { image: `${ECR}/my-ecs-repo-app1:1.4.2` }),
    id: 'container-name-duplicate',
    path: 'services.my-app1.containers.gateway',
    fragment: 'taken by the gateway container',
  },
  {
    name: 'service name too long for IAM',
    edit: (manifest) => renameKey(manifest, 'services', 'my-app1-staging', `staging-${'x'.repeat(50)}`),
    id: 'role-name-too-long',
    path: `services.staging-${'x'.repeat(50)}`,
    fragment: 'at most 64 characters',
  },
  { name: 'service name with capitals', edit: (manifest) => renameKey(manifest, 'services', 'my-app1-staging', 'My-App1-Staging'), id: 'field-name-invalid', path: 'services.My-App1-Staging', fragment: 'lowercase letters' },
  {
    name: 'key names differing in punctuation',
    edit: (manifest) => setPath(manifest, 'kmsKeys.app_config', { account: 'shared', alias: 'app-config-copy' }),
    id: 'kms-key-name-duplicate',
    path: 'kmsKeys.app_config',
    fragment: 'differs from `app-config` only in punctuation or case',
  },
  {
    name: 'secret names differing in slash',
    edit: (manifest) => setPath(manifest, 'secrets.my-app1--db-credentials', { account: 'shared', kmsKey: 'app-secrets' }),
    id: 'secret-name-duplicate',
    path: 'secrets.my-app1--db-credentials',
    fragment: '`/` against `--`',
  },
  {
    name: 'service names differing in hyphens',
    edit: (manifest) => setPath(manifest, 'services.my-app-1', getPath(manifest, 'services.my-app1-staging') as never),
    id: 'service-name-duplicate',
    path: 'services.my-app-1',
    fragment: 'differs from `my-app1`',
  },
  { name: 'two keys with one alias', edit: set('kmsKeys.app-config.alias', 'app-secrets'), id: 'kms-alias-duplicate', path: 'kmsKeys.app-config.alias', fragment: 'already used by kmsKeys.app-secrets' },
  { name: 'key name unfit as alias', edit: (manifest) => setPath(manifest, 'kmsKeys.logs+key', { account: 'shared' }), id: 'kms-alias-invalid', path: 'kmsKeys.logs+key', fragment: 'set `alias`' },
  { name: 'key description too long', edit: set('kmsKeys.app-config.description', 'd'.repeat(8193)), id: 'description-too-long', path: 'kmsKeys.app-config.description', fragment: 'at most 8192' },
  { name: 'secret description too long', edit: set('secrets.shared-api-key.description', 'd'.repeat(2049)), id: 'description-too-long', path: 'secrets.shared-api-key.description', fragment: 'at most 2048' },
  { name: 'key alias in the aws namespace', edit: set('kmsKeys.app-config.alias', 'aws/ssm'), id: 'kms-alias-invalid', path: 'kmsKeys.app-config.alias', fragment: 'does not start with `aws/`' },
  { name: 'two accounts with one alias', edit: set('accounts.staging.alias', 'Prod'), id: 'account-alias-duplicate', path: 'accounts.staging.alias', fragment: 'compared without case' },
  { name: 'account alias with a space', edit: set('accounts.staging.alias', 'staging account'), id: 'account-alias-invalid', path: 'accounts.staging.alias', fragment: 'names stacks and ECS clusters' },
  { name: 'account alias too long for ECS', edit: set('accounts.staging.alias', 's'.repeat(250)), id: 'account-alias-invalid', path: 'accounts.staging.alias', fragment: '1 to 255' },
  { name: 'long alias of an account without services', edit: set('accounts.shared.alias', 'x'.repeat(300)), id: 'account-alias-invalid', path: 'accounts.shared.alias', fragment: 'the stack and cluster would be' },
  {
    name: 'repository name with capitals',
    edit: (manifest) => setPath(manifest, 'repositories.My_Repo', { account: 'shared' }),
    id: 'repository-name-invalid',
    path: 'repositories.My_Repo',
    fragment: 'lowercase letters',
  },
  { name: 'repository name of one letter', edit: (manifest) => setPath(manifest, 'repositories.r', { account: 'shared' }), id: 'repository-name-invalid', path: 'repositories.r', fragment: '2 to 256' },
  { name: 'state bucket with capitals', edit: set('accounts.prod.stateBucket', 'Example_State'), id: 'state-bucket-invalid', path: 'accounts.prod.stateBucket', fragment: 'lowercase letters' },
  { name: 'state bucket as an S3 URL', edit: set('accounts.prod.stateBucket', 's3://example-terraform-state'), id: 'state-bucket-invalid', path: 'accounts.prod.stateBucket', fragment: 'without `s3://`' },
  { name: 'state region without a bucket', edit: set('accounts.staging.stateRegion', 'eu-west-1'), id: 'state-region-without-bucket', path: 'accounts.staging.stateRegion', fragment: 'remove `stateRegion`' },
  { name: 'deployment role of another account', edit: set('accounts.prod.deploymentRoleArn', 'arn:aws:iam::111111111111:role/terraform-deployer'), id: 'deployment-role-invalid', path: 'accounts.prod.deploymentRoleArn', fragment: 'arn:aws:iam::222222222222:role/<name>' },
  { name: 'key administrator not an ARN', edit: set('kmsKeys.app-secrets.administrators.0', 'security-admin'), id: 'principal-arn-invalid', path: 'kmsKeys.app-secrets.administrators.0', fragment: 'IAM principal ARN' },
  { name: 'organization id malformed', edit: set('organizationId', 'o-short'), id: 'organization-id-invalid', path: 'organizationId', fragment: '10 to 32' },
  {
    name: 'organization access without an id',
    edit: (manifest) => {
      setPath(manifest, 'organizationId', REMOVE);
      setPath(manifest, 'repositories.my-ecs-repo-common.access', 'organization');
    },
    id: 'organization-id-missing',
    path: 'repositories.my-ecs-repo-common.access',
    fragment: 'set `organizationId`',
  },

  // Images
  { name: 'image with a space', edit: set(`${APP}.image`, `${ECR}/my ecs repo:1`), id: 'image-uri-invalid', path: `${APP}.image`, fragment: 'repository path' },
  { name: 'image with a short digest', edit: set(`${APP}.image`, `${ECR}/my-ecs-repo-app1@sha256:abc`), id: 'image-uri-invalid', path: `${APP}.image`, fragment: '64 lowercase hex digits' },
  { name: 'ECR host with a short account', edit: set(`${APP}.image`, '11111.dkr.ecr.eu-west-1.amazonaws.com/my-ecs-repo-app1:1.4.2'), id: 'image-uri-invalid', path: `${APP}.image`, fragment: '<12-digit account>' },
  { name: 'image with tag and digest', edit: set(`${APP}.image`, `${ECR}/my-ecs-repo-app1:1.4.2@${DIGEST}`), id: 'image-tag-and-digest', path: `${APP}.image`, fragment: 'not both' },
  { name: 'image with neither tag nor digest', edit: set(`${APP}.image`, `${ECR}/my-ecs-repo-app1`), id: 'image-not-pinned', path: `${APP}.image`, fragment: 'ECS pulls `latest`' },
  { name: 'ECR host in another region', edit: set(`${APP}.image`, '111111111111.dkr.ecr.eu-central-1.amazonaws.com/my-ecs-repo-app1:1.4.2'), id: 'image-repository-mismatch', path: `${APP}.image`, fragment: 'declared in account 111111111111 and region eu-west-1' },
  { name: 'ECR host in another account', edit: set(`${APP}.image`, '222222222222.dkr.ecr.eu-west-1.amazonaws.com/my-ecs-repo-app1:1.4.2'), id: 'image-repository-mismatch', path: `${APP}.image`, fragment: 'use the host 111111111111.dkr.ecr.eu-west-1.amazonaws.com' },
  { name: 'China ECR host in partition aws', edit: set(`${APP}.image`, '111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn/my-ecs-repo-app1:1.4.2'), id: 'image-partition-mismatch', path: `${APP}.image`, fragment: 'partition aws-cn' },
  { name: 'ECR host in an undeclared account', edit: set(`${APP}.image`, '999999999999.dkr.ecr.eu-west-1.amazonaws.com/app:1'), id: 'image-account-unknown', path: `${APP}.image`, fragment: '(got: "999999999999")' },
  { name: 'ECR host with a GovCloud region', edit: set(`${APP}.image`, '111111111111.dkr.ecr.us-gov-west-1.amazonaws.com/my-ecs-repo-app1:1'), id: 'image-partition-mismatch', path: `${APP}.image`, fragment: 'partition aws-us-gov' },

  // Secrets Manager
  { name: 'bare secret name', edit: set(`${APP}.secrets.DB_PASSWORD`, { secret: 'db-password' }), id: 'secret-bare-name', path: `${APP}.secrets.DB_PASSWORD.secret`, fragment: 'as an SSM parameter' },
  {
    name: 'secret name ending like a suffix',
    edit: (manifest) => setPath(manifest, 'secrets.my-app1/db-abc123', { account: 'prod' }),
    id: 'secret-name-suffix-ambiguous',
    path: 'secrets.my-app1/db-abc123',
    fragment: 'hyphen and six characters',
  },
  {
    name: 'JSON key inside the secret ARN',
    edit: set(`${APP}.secrets.DB_PASSWORD`, { secret: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:other-db-Ab12Cd:password::' }),
    id: 'secret-arn-suffix',
    path: `${APP}.secrets.DB_PASSWORD.secret`,
    fragment: 'move the suffix fields',
  },
  { name: 'secret ARN without secret:', edit: set(`${APP}.secrets.DB_PASSWORD`, { secret: 'arn:aws:secretsmanager:eu-west-1:111111111111:db' }), id: 'secret-arn-invalid', path: `${APP}.secrets.DB_PASSWORD.secret`, fragment: 'secret:<name>' },
  { name: 'secret ARN with a China region', edit: set(`${APP}.secrets.DB_PASSWORD`, { secret: 'arn:aws:secretsmanager:cn-north-1:111111111111:secret:db' }), id: 'region-not-in-partition', path: `${APP}.secrets.DB_PASSWORD.secret`, fragment: 'partition aws' },
  { name: 'secret ARN in an undeclared account', edit: set(`${APP}.secrets.DB_PASSWORD`, { secret: 'arn:aws:secretsmanager:eu-west-1:999999999999:secret:db' }), id: 'secret-account-unknown', path: `${APP}.secrets.DB_PASSWORD.secret`, fragment: 'declared under `accounts`' },
  {
    name: 'version stage and version id',
    edit: set(`${APP}.secrets.DB_PASSWORD`, { secret: 'my-app1/db-credentials', versionStage: 'AWSCURRENT', versionId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111' }),
    id: 'secret-version-conflict',
    path: `${APP}.secrets.DB_PASSWORD`,
    fragment: 'not both',
  },
  { name: 'JSON key with a colon', edit: set(`${APP}.secrets.DB_PASSWORD.jsonKey`, 'db:password'), id: 'secret-json-key-invalid', path: `${APP}.secrets.DB_PASSWORD.jsonKey`, fragment: 'must not contain `:`' },
  { name: 'version id too short', edit: set(`${APP}.secrets.DB_PASSWORD.versionId`, 'v2'), id: 'secret-version-invalid', path: `${APP}.secrets.DB_PASSWORD.versionId`, fragment: '32 to 64' },
  { name: 'cross-account secret without a key', edit: remove('secrets.shared-api-key.kmsKey'), id: 'secret-cross-account-needs-cmk', path: 'secrets.shared-api-key.kmsKey', fragment: 'my-app1 (account 222222222222), my-app1-staging (account 333333333333) read this secret' },
  { name: 'secret and parameter together', edit: set(`${APP}.secrets.DB_PASSWORD`, { secret: 'my-app1/db-credentials', parameter: '/db' }), id: 'secret-source-invalid', path: `${APP}.secrets.DB_PASSWORD`, fragment: 'either' },

  // SSM Parameter Store
  { name: 'hierarchical parameter without slash', edit: set(`${APP}.secrets.DB_HOST.parameter`, 'my-app1/db-host'), id: 'parameter-name-invalid', path: `${APP}.secrets.DB_HOST.parameter`, fragment: 'write it as /my-app1/db-host' },
  { name: 'parameter named with aws', edit: set(`${APP}.secrets.DB_HOST.parameter`, '/aws-db-host'), id: 'parameter-name-invalid', path: `${APP}.secrets.DB_HOST.parameter`, fragment: 'AWS reserves' },
  { name: 'parameter with an empty segment', edit: set(`${APP}.secrets.DB_HOST.parameter`, '/my-app1//db-host'), id: 'parameter-name-invalid', path: `${APP}.secrets.DB_HOST.parameter`, fragment: '`//`' },
  {
    name: 'parameter in another account',
    edit: set(`${APP}.secrets.DB_HOST.parameter`, 'arn:aws:ssm:eu-west-1:111111111111:parameter/my-app1/db-host'),
    id: 'parameter-cross-account',
    path: `${APP}.secrets.DB_HOST.parameter`,
    fragment: 'only in the task account (222222222222)',
  },
  { name: 'parameter ARN without parameter/', edit: set(`${APP}.secrets.DB_HOST.parameter`, 'arn:aws:ssm:eu-west-1:222222222222:db-host'), id: 'parameter-arn-invalid', path: `${APP}.secrets.DB_HOST.parameter`, fragment: 'parameter/<name>' },
  {
    name: 'parameter ARN in another partition',
    edit: set(`${APP}.secrets.DB_HOST.parameter`, 'arn:aws-cn:ssm:cn-north-1:222222222222:parameter/my-app1/db-host'),
    id: 'region-not-in-partition',
    path: `${APP}.secrets.DB_HOST.parameter`,
    fragment: 'partition aws',
  },

  // Logs
  { name: 'log configuration on a container', edit: set(`${APP}.logConfiguration`, { logDriver: 'awslogs', options: { 'awslogs-create-group': 'true' } }), id: 'log-configuration-not-supported', path: `${APP}.logConfiguration`, fragment: 'created by Terraform' },
  { name: 'createLogGroup on a container', edit: set(`${APP}.createLogGroup`, true), id: 'log-configuration-not-supported', path: `${APP}.createLogGroup`, fragment: 'remove `createLogGroup`' },
  { name: 'awslogs option on the gateway', edit: set(`${GATEWAY}.awslogs-create-group`, 'true'), id: 'log-configuration-not-supported', path: `${GATEWAY}.awslogs-create-group`, fragment: 'never asked to create' },
  { name: 'retention that never expires', edit: set(`${APP}.logRetentionDays`, 0), id: 'log-retention-never-expires', path: `${APP}.logRetentionDays`, fragment: '0 means never' },
  { name: 'default retention that never expires', edit: set('defaults.logRetentionDays', 0), id: 'log-retention-never-expires', path: 'defaults.logRetentionDays', fragment: 'choose one of 1, 3, 5' },
  { name: 'retention CloudWatch rejects', edit: set(`${APP}.logRetentionDays`, 45), id: 'log-retention-invalid', path: `${APP}.logRetentionDays`, fragment: 'fixed retention periods' },

  // Roles and statements
  {
    name: 'statements on the execution role',
    edit: set('services.my-app1.executionRole.statements', [{ sid: 'ReadUploads', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::my-app1-uploads-222222222222/*'] }]),
    id: 'execution-role-app-permissions',
    path: 'services.my-app1.executionRole.statements',
    fragment: 'move these statements to `services.my-app1.taskRole.statements`',
  },
  { name: 'trust in another service', edit: set('services.my-app1.taskRole.trustedServices', ['ec2.amazonaws.com']), id: 'trust-principal-invalid', path: 'services.my-app1.taskRole.trustedServices', fragment: 'ecs-tasks.amazonaws.com' },
  { name: 'trust in an extra service', edit: set('services.my-app1.executionRole.trustedServices', ['ecs-tasks.amazonaws.com', 'lambda.amazonaws.com']), id: 'trust-principal-invalid', path: 'services.my-app1.executionRole.trustedServices', fragment: 'remove the field' },
  { name: 'action wildcard', edit: set(`${STATEMENT}.actions`, ['*']), id: 'wildcard-without-opt-in', path: `${STATEMENT}.actions.0`, fragment: 'allowWildcard: true' },
  { name: 'partial action wildcard', edit: set(`${STATEMENT}.actions`, ['s3:Get*']), id: 'wildcard-without-opt-in', path: `${STATEMENT}.actions.0`, fragment: '(got: "s3:Get*")' },
  { name: 'service-wide action wildcard', edit: set(`${STATEMENT}.actions`, ['s3:*']), id: 'wildcard-without-opt-in', path: `${STATEMENT}.actions.0`, fragment: 'name the exact actions' },
  { name: 'question mark in an action', edit: set(`${STATEMENT}.actions`, ['s3:GetObjec?']), id: 'wildcard-without-opt-in', path: `${STATEMENT}.actions.0`, fragment: '`*` or `?`' },
  { name: 'resource wildcard', edit: set(`${STATEMENT}.resources`, ['*']), id: 'wildcard-without-opt-in', path: `${STATEMENT}.resources.0`, fragment: 'matches every resource' },
  { name: 'every bucket', edit: set(`${STATEMENT}.resources`, ['arn:aws:s3:::*']), id: 'wildcard-without-opt-in', path: `${STATEMENT}.resources.0`, fragment: 'stands for the resource name' },
  { name: 'bucket name prefix', edit: set(`${STATEMENT}.resources`, ['arn:aws:s3:::my-app1-*']), id: 'wildcard-without-opt-in', path: `${STATEMENT}.resources.0`, fragment: 'every resource of that type' },
  { name: 'every table', edit: set(`${STATEMENT}.resources`, ['arn:aws:dynamodb:eu-west-1:222222222222:table/*']), id: 'wildcard-without-opt-in', path: `${STATEMENT}.resources.0`, fragment: 'stands for the resource name' },
  { name: 'any account', edit: set(`${STATEMENT}.resources`, ['arn:aws:dynamodb:eu-west-1:*:table/orders']), id: 'wildcard-without-opt-in', path: `${STATEMENT}.resources.0`, fragment: 'region or account' },
  { name: 'empty resource', edit: set(`${STATEMENT}.resources`, ['']), id: 'resource-empty', path: `${STATEMENT}.resources.0`, fragment: 'must not be empty' },
  { name: 'resource not an ARN', edit: set(`${STATEMENT}.resources`, ['my-app1-uploads']), id: 'resource-arn-invalid', path: `${STATEMENT}.resources.0`, fragment: 'arn:aws:<service>' },
  { name: 'resource of another partition', edit: set(`${STATEMENT}.resources`, ['arn:aws-cn:s3:::my-app1-uploads/*']), id: 'resource-arn-invalid', path: `${STATEMENT}.resources.0`, fragment: 'partition aws' },
  { name: 'action without a service', edit: set(`${STATEMENT}.actions`, ['GetObject']), id: 'action-invalid', path: `${STATEMENT}.actions.0`, fragment: '`service:Action`' },
  { name: 'misspelled condition operator', edit: set(`${STATEMENT}.conditions`, { StringEqual: { 'aws:ResourceAccount': ['222222222222'] } }), id: 'condition-operator-invalid', path: `${STATEMENT}.conditions.StringEqual`, fragment: 'use `StringEquals`' },
  { name: 'IfExists on Null', edit: set(`${STATEMENT}.conditions`, { NullIfExists: { 'aws:ResourceTag/team': ['false'] } }), id: 'condition-operator-invalid', path: `${STATEMENT}.conditions.NullIfExists`, fragment: 'no such condition operator' },
  { name: 'empty condition value', edit: set(`${STATEMENT}.conditions`, { StringEquals: { 'aws:ResourceAccount': [''] } }), id: 'condition-value-empty', path: `${STATEMENT}.conditions.StringEquals.aws:ResourceAccount`, fragment: 'non-empty values' },
  {
    name: 'Sid used twice',
    edit: (manifest) => {
      const statements = getPath(manifest, 'services.my-app1.taskRole.statements') as JsonObject[];
      statements.push({ ...statements[0], actions: ['s3:PutObject'] });
    },
    id: 'statement-sid-duplicate',
    path: 'services.my-app1.taskRole.statements.1.sid',
    fragment: 'already used by statement 0',
  },
  {
    name: 'Sid taken by ECS Exec',
    edit: set('services.my-app1-staging.taskRole.statements', [{ sid: 'EcsExecChannels', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }]),
    id: 'statement-sid-duplicate',
    path: 'services.my-app1-staging.taskRole.statements.0.sid',
    fragment: '`ecsExec: true` adds',
  },
  { name: 'boundary that is not a policy', edit: set('services.my-app1.taskRole.permissionsBoundaryArn', 'arn:aws:iam::222222222222:role/boundary'), id: 'permissions-boundary-invalid', path: 'services.my-app1.taskRole.permissionsBoundaryArn', fragment: 'managed policy ARN' },

  // Empty optional inputs
  { name: 'empty deployment role', edit: set('accounts.prod.deploymentRoleArn', ''), id: 'field-empty', path: 'accounts.prod.deploymentRoleArn', fragment: 'Fix: remove the field' },
  { name: 'empty key reference', edit: set('secrets.shared-api-key.kmsKey', ''), id: 'field-empty', path: 'secrets.shared-api-key.kmsKey', fragment: 'Fix: remove the field' },
  { name: 'empty state bucket', edit: set('accounts.prod.stateBucket', ''), id: 'field-empty', path: 'accounts.prod.stateBucket', fragment: 'Fix: remove the field' },
  { name: 'empty permissions boundary', edit: set('services.my-app1.taskRole.permissionsBoundaryArn', ''), id: 'field-empty', path: 'services.my-app1.taskRole.permissionsBoundaryArn', fragment: 'Fix: remove the field' },
  { name: 'empty account alias', edit: set('accounts.prod.alias', ''), id: 'field-empty', path: 'accounts.prod.alias', fragment: 'Fix: remove the field' },
  { name: 'blank key alias', edit: set('kmsKeys.app-config.alias', '  '), id: 'field-empty', path: 'kmsKeys.app-config.alias', fragment: '(got: "  ")' },
  { name: 'null secret key', edit: set('secrets.shared-api-key.kmsKey', null), id: 'field-empty', path: 'secrets.shared-api-key.kmsKey', fragment: '(got: null)' },
  { name: 'empty JSON key', edit: set(`${APP}.secrets.DB_PASSWORD.jsonKey`, ''), id: 'field-empty', path: `${APP}.secrets.DB_PASSWORD.jsonKey`, fragment: 'Fix: remove the field' },
  { name: 'empty required image', edit: set(`${APP}.image`, ''), id: 'field-empty', path: `${APP}.image`, fragment: 'Fix: give a value' },

  // Registry credentials
  {
    name: 'registry credentials in another account',
    edit: (manifest) => {
      setPath(manifest, `${APP}.image`, 'registry.example.com/team/app:1.4.2');
      setPath(manifest, `${APP}.repositoryCredentialsSecret`, 'shared-api-key');
    },
    id: 'registry-credentials-cross-account',
    path: `${APP}.repositoryCredentialsSecret`,
    fragment: 'create the credentials secret in account 222222222222',
  },
  { name: 'registry credentials for ECR', edit: set(`${APP}.repositoryCredentialsSecret`, 'my-app1/db-credentials'), id: 'registry-credentials-for-ecr', path: `${APP}.repositoryCredentialsSecret`, fragment: 'pulled with the execution role', cascade: true },

  // Plaintext credentials
  { name: 'variable name with a hyphen', edit: set(`${APP}.environment.LOG-FORMAT`, 'json'), id: 'variable-name-invalid', path: `${APP}.environment.LOG-FORMAT`, fragment: 'letters, digits and `_`' },
  { name: 'database password variable', edit: set(`${APP}.environment.MYSQL_PASSWORD`, 'hunter2'), id: 'environment-plaintext-secret', path: `${APP}.environment.MYSQL_PASSWORD`, fragment: '(got: "(7 characters, not shown)")' },
  { name: 'API key variable', edit: set(`${APP}.environment.STRIPE_API_KEY`, 'sk_live_123'), id: 'environment-plaintext-secret', path: `${APP}.environment.STRIPE_API_KEY`, fragment: `${APP}.secrets.STRIPE_API_KEY` },
  { name: 'AWS secret key variable', edit: set(`${APP}.environment.AWS_SECRET_ACCESS_KEY`, 'x'.repeat(40)), id: 'environment-plaintext-secret', path: `${APP}.environment.AWS_SECRET_ACCESS_KEY`, fragment: 'contains a credential' },
  { name: 'camel-case token variable', edit: set(`${APP}.environment.githubToken`, 'abc'), id: 'environment-plaintext-secret', path: `${APP}.environment.githubToken`, fragment: 'contains a credential' },
  { name: 'access key id value', edit: set(`${APP}.environment.LOG_LEVEL`, 'AKIAIOSFODNN7EXAMPLE'), id: 'environment-plaintext-secret', path: `${APP}.environment.LOG_LEVEL`, fragment: 'an AWS access key id' },
  { name: 'private key value', edit: set(`${APP}.environment.TLS_CERT`, '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----'), id: 'environment-plaintext-secret', path: `${APP}.environment.TLS_CERT`, fragment: 'a private key' },
  { name: 'URL with a password', edit: set(`${APP}.environment.DATABASE_URL`, 'postgres://app:s3cret@db.internal:5432/app'), id: 'environment-plaintext-secret', path: `${APP}.environment.DATABASE_URL`, fragment: 'a URL with a user and password' },
  { name: 'gateway token variable', edit: set(`${GATEWAY}.environment.ADMIN_TOKEN`, 'abc'), id: 'environment-plaintext-secret', path: `${GATEWAY}.environment.ADMIN_TOKEN`, fragment: `${GATEWAY}.secrets.ADMIN_TOKEN` },
  { name: 'variable in environment and secrets', edit: set(`${APP}.environment.DB_HOST`, 'db.internal'), id: 'variable-defined-twice', path: `${APP}.environment.DB_HOST`, fragment: 'not both' },

  // Container settings that fail at task start
  { name: 'relative writable path', edit: set(`${APP}.writablePaths`, ['tmp']), id: 'writable-path-invalid', path: `${APP}.writablePaths.0`, fragment: 'absolute' },
  { name: 'root as writable path', edit: set(`${APP}.writablePaths`, ['/']), id: 'writable-path-invalid', path: `${APP}.writablePaths.0`, fragment: 'root file system' },
  { name: 'writable path listed twice', edit: set(`${APP}.writablePaths`, ['/tmp', '/tmp/']), id: 'writable-path-invalid', path: `${APP}.writablePaths.1`, fragment: 'already listed as entry 0' },
  { name: 'health check without CMD', edit: set(`${APP}.healthCheck.command`, ['curl', '-f', 'http://localhost:8080/health']), id: 'health-check-invalid', path: `${APP}.healthCheck.command`, fragment: 'starts with `CMD`' },
  { name: 'health check timeout too long', edit: set(`${APP}.healthCheck.timeoutSeconds`, 90), id: 'health-check-invalid', path: `${APP}.healthCheck.timeoutSeconds`, fragment: '2 to 60 seconds' },
  { name: 'gateway on the application port', edit: set(`${GATEWAY}.port`, 8080), id: 'port-duplicate', path: `${GATEWAY}.port`, fragment: 'already used by container `app`', cascade: true },
  {
    name: 'secret read through Parameter Store',
    edit: set(`${APP}.secrets.DB_HOST`, { parameter: '/aws/reference/secretsmanager/my-app1/db-credentials' }),
    id: 'parameter-secret-reference',
    path: `${APP}.secrets.DB_HOST.parameter`,
    fragment: 'use `{ secret: my-app1/db-credentials }`',
  },
  { name: 'role path over 512 characters', edit: set('services.my-app1.taskRole.path', `/${'p'.repeat(512)}/`), id: 'role-path-invalid', path: 'services.my-app1.taskRole.path', fragment: 'at most 512' },

  // Sizes and presets
  { name: 'memory Fargate rejects', edit: set('services.my-app1.memory', 1536), id: 'fargate-size-invalid', path: 'services.my-app1.memory', fragment: 'choose one of 2048, 3072' },
  { name: 'CPU Fargate rejects', edit: set('services.my-app1.cpu', 300), id: 'fargate-size-invalid', path: 'services.my-app1.cpu', fragment: '256, 512, 1024' },
  { name: 'containers larger than the task', edit: set(`${APP}.memory`, 4096), id: 'container-size-exceeds-task', path: 'services.my-app1.containers', fragment: "more than the task's 2048" },
  { name: 'gateway without a required secret', edit: remove(`${GATEWAY}.secrets.APIPARK_LICENSE_KEY`), id: 'gateway-secret-missing', path: `${GATEWAY}.secrets.APIPARK_LICENSE_KEY`, fragment: 'needs `APIPARK_LICENSE_KEY`' },

  // Schema
  { name: 'misspelled field', edit: set(`${APP}.enviroment`, { LOG_LEVEL: 'info' }), id: 'field-unknown', path: `${APP}.enviroment`, fragment: 'did you mean `environment`?' },
  { name: 'missing image', edit: remove(`${APP}.image`), id: 'field-missing', path: `${APP}.image`, fragment: 'add `image`' },
  { name: 'CPU as a string', edit: set('services.my-app1.cpu', '1024'), id: 'field-type', path: 'services.my-app1.cpu', fragment: 'expected number' },
  { name: 'unknown partition', edit: set('partition', 'aws-eu'), id: 'field-value', path: 'partition', fragment: '"aws-cn"' },
  { name: 'port out of range', edit: set(`${APP}.port`, 70000), id: 'field-range', path: `${APP}.port`, fragment: '(got: 70000)' },
];


describe('bad manifest corpus', () => {
  test('example is valid', () => {
    expect(manifestProblems(loadExample())).toEqual([]);
  });

  test('corpus has forty cases or more', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  test.each(CORPUS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const manifest = loadExample();
    row.edit(manifest);
    const problems = manifestProblems(manifest);
    const match = problems.find((problem) => problem.id === row.id && problem.path === row.path);
    if (!match) throw new Error(`expected [${row.id}] at ${row.path}, got:\n${problems.map(formatProblem).join('\n') || '(no problems)'}`);
    const message = formatProblem(match);
    expect(message).toContain(row.fragment);
    expect(message).toMatch(/^\[[a-z0-9-]+\] \S+: .+ \(got: .*\)\. Fix: .+$/s);
    if (!row.cascade) expect(problems.map(formatProblem)).toEqual([message]);
  });
});

describe('YAML-level problems', () => {
  test('duplicate service key rejected', () => {
    const text = `${exampleText()}\n  my-app1:\n    account: prod\n    containers: {}\n`;
    expect(() => parseManifestText(text)).toThrow(ManifestError);
    try {
      parseManifestText(text);
    } catch (error) {
      const [problem] = (error as ManifestError).problems;
      expect(problem.id).toBe('yaml-duplicate-key');
      expect(problem.path).toMatch(/^line \d+, column \d+$/);
    }
  });

  test('alias before its anchor rejected', () => {
    const text = exampleText().replace('region: eu-west-1', 'region: *region');
    expect(() => parseManifestText(text)).toThrow(/\[yaml-alias-invalid\]/);
  });

  test('mapping as a key rejected', () => {
    expect(() => parseManifestText('defaults:\n  ? { region: eu-west-1 }\n  : x\n')).toThrow(/\[yaml-key-invalid\] line 2, column 5/);
  });

  test('binary key rejected', () => {
    expect(() => parseManifestText('defaults:\n  !!binary aGk=: x\n')).toThrow(/\[yaml-key-invalid\] line 2, column 12/);
  });

  test('unknown tag rejected', () => {
    expect(() => parseManifestText('defaults:\n  region: !region eu-west-1\n')).toThrow(/\[yaml-syntax\] line 2/);
  });

  test('broken YAML syntax rejected', () => {
    expect(() => parseManifestText('services: [unclosed')).toThrow(/\[yaml-syntax\]/);
  });
});

describe('accepted edge cases', () => {
  test('wildcard with opt-in accepted', () => {
    const manifest = editedExample({ [`${STATEMENT}.actions`]: ['s3:Get*'], [`${STATEMENT}.resources`]: ['arn:aws:s3:::*'], [`${STATEMENT}.allowWildcard`]: true });
    expect(manifestProblems(manifest)).toEqual([]);
  });

  test('wildcard below a bucket accepted', () => {
    expect(getPath(loadExample(), `${STATEMENT}.resources.0`)).toBe('arn:aws:s3:::my-app1-uploads-222222222222/*');
    expect(manifestProblems(loadExample())).toEqual([]);
  });

  test.each(['PASSWORD_MIN_LENGTH', 'TOKEN_TTL_SECONDS', 'SECRET_ARN', 'API_KEY_HEADER', 'DB_USER', 'KEYCLOAK_URL'])('metadata variable %s accepted', (variable) => {
    expect(manifestProblems(editedExample({ [`${APP}.environment.${variable}`]: '12' }))).toEqual([]);
  });

  test('empty environment value accepted', () => {
    expect(manifestProblems(editedExample({ [`${APP}.environment.EXTRA_ARGS`]: '' }))).toEqual([]);
  });

  test('secret ARN finds declared secret', () => {
    const manifest = editedExample({ [`${APP}.secrets.PARTNER_API_KEY`]: { secret: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key' } });
    const zone = validateManifest(manifest);
    expect(zone.warnings.filter((warning) => warning.id === 'secret-not-managed')).toEqual([]);
  });
});
