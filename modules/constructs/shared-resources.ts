import { Construct } from 'constructs';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrRepositoryPolicy } from '@cdktf/provider-aws/lib/ecr-repository-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
import { keyPolicy, repositoryPolicy, secretPolicy } from '../core/access';
import { secretArn } from '../core/arn';
import { ManifestError } from '../core/errors';
import { PolicyDocument } from '../core/policy';
import { QUOTAS } from '../core/quotas';
import { KeyInfo, LandingZone, RepositoryInfo, SecretInfo } from '../manifest/model';

function checkSize(document: PolicyDocument, limit: number, path: string, what: string): string {
  if (document.size > limit) {
    throw new ManifestError([{ id: 'policy-too-large', path, rule: `a ${what} has at most ${limit} characters`, received: document.size, fix: 'use `access: organization` or split the consumers across resources' }]);
  }
  return document.toJson();
}

export interface SharedKeyProps {
  readonly zone: LandingZone;
  readonly key: KeyInfo;
}

/** A customer-managed key with rotation, its alias, and a key policy naming every consumer account. */
export class SharedKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: SharedKeyProps) {
    super(scope, id);
    const { zone, key } = props;
    this.key = new KmsKey(this, 'key', {
      description: key.description,
      enableKeyRotation: true,
      deletionWindowInDays: key.deletionWindowDays,
      policy: checkSize(keyPolicy(zone, key), QUOTAS.kmsKeyPolicy, `kmsKeys.${key.name}`, 'key policy'),
      tags: { 'ecs-access:key': key.name },
    });
    this.alias = new KmsAlias(this, 'alias', { name: key.alias, targetKeyId: this.key.keyId });
  }
}

export interface SharedRepositoryProps {
  readonly zone: LandingZone;
  readonly repository: RepositoryInfo;
  /** The key construct when the repository is encrypted with a key this stack creates. */
  readonly key?: SharedKey;
}

/** An ECR repository with immutable tags, scan on push, a lifecycle policy and a pull policy for its consumers. */
export class SharedRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: SharedRepositoryProps) {
    super(scope, id);
    const { zone, repository } = props;
    const kmsKeyArn = props.key?.key.arn ?? repository.kmsKey?.existingArn;
    this.repository = new EcrRepository(this, 'repository', {
      name: repository.name,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [kmsKeyArn ? { encryptionType: 'KMS', kmsKey: kmsKeyArn } : { encryptionType: 'AES256' }],
      tags: { 'ecs-access:repository': repository.name },
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Expire untagged images after ${repository.untaggedExpiryDays} days`,
            selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: repository.untaggedExpiryDays },
            action: { type: 'expire' },
          },
          {
            rulePriority: 2,
            description: `Keep the newest ${repository.keepTaggedImages} tagged images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: repository.keepTaggedImages },
            action: { type: 'expire' },
          },
        ],
      }),
    });
    const policy = repositoryPolicy(zone, repository);
    if (policy) {
      new EcrRepositoryPolicy(this, 'policy', {
        repository: this.repository.name,
        policy: checkSize(policy, QUOTAS.ecrRepositoryPolicy, `repositories.${repository.name}`, 'repository policy'),
      });
    }
  }
}

export interface SharedSecretProps {
  readonly zone: LandingZone;
  readonly secret: SecretInfo;
  readonly key?: SharedKey;
}

/**
 * A Secrets Manager secret and its resource policy. A secret created here has no version, so its
 * value never enters Terraform state; an existing secret (by `existingArn`) gets only the policy.
 */
export class SharedSecret extends Construct {
  readonly secretArn: string;

  constructor(scope: Construct, id: string, props: SharedSecretProps) {
    super(scope, id);
    const { zone, secret } = props;
    let arn = secretArn(secret.ref);
    if (secret.created) {
      const created = new SecretsmanagerSecret(this, 'secret', {
        name: secret.name,
        description: secret.description,
        kmsKeyId: props.key?.key.arn ?? secret.kmsKey?.existingArn,
        tags: { 'ecs-access:secret': secret.name },
      });
      arn = created.arn;
    }
    this.secretArn = arn;
    const policy = secretPolicy(zone, secret);
    if (policy) {
      new SecretsmanagerSecretPolicy(this, 'policy', {
        secretArn: arn,
        policy: checkSize(policy, QUOTAS.secretPolicy, `secrets.${secret.name}`, 'secret policy'),
        blockPublicPolicy: true,
      });
    }
  }
}
