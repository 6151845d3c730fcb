/** Resolves one container of a service: its image, environment, secrets and settings. */
import { ImageReference, ResourceEnv, ecrRegistryHost, parseImageUri, regionBelongsToPartition } from '../core/arn';
import { ContainerInfo, RepositoryInfo, SecretInfo, SecretUse } from './model';
import { ResolveContext, checkRetention } from './resolve-context';
import { lookUpSecret, resolveSecretSource } from './resolve-secret-source';
import { HEALTH_CHECK_TIMEOUT, healthCheckCommandProblem, normalizedMountPath, writablePathProblem } from './rules/containers';
import { credentialValueKind, isCredentialName } from './rules/credentials';
import { ContainerSpec } from './schema';

export function resolveContainer(context: ResolveContext, serviceName: string, name: string, spec: ContainerSpec, path: string, serviceEnv: ResourceEnv, isGateway: boolean): ContainerInfo | undefined {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    context.problem('container-name-invalid', path, 'a container name has 1 to 255 letters, digits, `_` and `-`', name, 'rename the container');
  }
  checkContainerSettings(context, spec, path, isGateway);
  const image = resolveImage(context, spec.image, `${path}.image`);
  const logRetentionDays = spec.logRetentionDays ?? context.manifest.defaults.logRetentionDays;
  if (spec.logRetentionDays !== undefined) checkRetention(context, `${path}.logRetentionDays`, spec.logRetentionDays);
  const logGroupName = `/ecs/${serviceName}/${name}`;

  for (const [variable, value] of Object.entries(spec.environment)) {
    const variablePath = `${path}.environment.${variable}`;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
      context.problem('variable-name-invalid', variablePath, 'an environment variable name has letters, digits and `_`, and does not start with a digit', variable, 'rename the variable');
    }
    const valueKind = credentialValueKind(value);
    if (valueKind || isCredentialName(variable)) {
      context.problem(
        'environment-plaintext-secret',
        variablePath,
        `${valueKind ? `the value looks like ${valueKind}` : 'the name says it contains a credential'}, and plain environment variables can be read by anyone allowed to describe the task definition`,
        // The value itself is never echoed, so the error output does not leak it.
        `(${value.length} characters, not shown)`,
        valueKind
          ? `store the value in Secrets Manager, reference it as \`${path}.secrets.${variable}: { secret: <name from secrets> }\`, and rotate it, because it has been in the manifest`
          : `store the value in Secrets Manager and reference it as \`${path}.secrets.${variable}: { secret: <name from secrets> }\`, or, if it contains no credential, rename the variable`,
      );
    }
    if (spec.secrets[variable] !== undefined) {
      context.problem('variable-defined-twice', variablePath, 'a variable is set either in `environment` or in `secrets`, not both', variable, 'remove one of the two');
    }
  }

  const secrets: SecretUse[] = [];
  for (const [variable, source] of Object.entries(spec.secrets)) {
    const use = resolveSecretSource(context, variable, source, `${path}.secrets.${variable}`, serviceEnv);
    if (use) secrets.push(use);
  }

  let repositoryCredentials: SecretInfo | undefined;
  if (spec.repositoryCredentialsSecret !== undefined) {
    const credentialsPath = `${path}.repositoryCredentialsSecret`;
    repositoryCredentials = lookUpSecret(context, spec.repositoryCredentialsSecret, credentialsPath);
    if (repositoryCredentials && repositoryCredentials.env.account !== serviceEnv.account) {
      context.problem('registry-credentials-cross-account', credentialsPath, 'ECS reads private registry credentials only from a secret in the task account', spec.repositoryCredentialsSecret, `create the credentials secret in account ${serviceEnv.account}`);
    }
    if (image && image.kind === 'ecr') {
      context.problem('registry-credentials-for-ecr', credentialsPath, 'ECR images are pulled with the execution role, not with registry credentials', spec.repositoryCredentialsSecret, 'remove `repositoryCredentialsSecret`');
    }
  }

  if (!image) return undefined;
  let repository: RepositoryInfo | undefined;
  if (image.kind === 'ecr') {
    repository = context.repositories.get(image.repository);
    if (repository && (repository.env.account !== image.account || repository.env.region !== image.region)) {
      context.problem('image-repository-mismatch', `${path}.image`, `repository \`${image.repository}\` is declared in account ${repository.env.account} and region ${repository.env.region}, but the image host names account ${image.account} and region ${image.region}`, spec.image, `use the host ${ecrRegistryHost(repository.env)}`);
    }
    if (!repository) {
      context.warnings.push({
        id: 'repository-not-managed',
        path: `${path}.image`,
        message:
          image.account === serviceEnv.account
            ? `repository ${image.repository} in account ${image.account} is not declared under \`repositories\`; the execution role's policy alone allows the pull, because the repository is in the task's account`
            : `repository ${image.repository} in account ${image.account} is not declared under \`repositories\`, so only the execution role's side of the pull is written; its owner must allow the pull in the repository policy`,
      });
    }
  }

  return {
    name,
    path,
    spec,
    image,
    repository,
    secrets,
    logGroupName,
    logRetentionDays,
    isGateway,
    repositoryCredentials,
  };
}

function resolveImage(context: ResolveContext, uri: string, path: string): ImageReference | undefined {
  const image = parseImageUri(uri);
  if ('error' in image) {
    context.problem('image-uri-invalid', path, image.error, uri, 'write the image as <registry>/<repository>:<tag> or <registry>/<repository>@sha256:<digest>');
    return undefined;
  }
  if (image.tag && image.digest) {
    context.problem('image-tag-and-digest', path, 'an image names either a tag or a digest, not both', uri, 'keep the digest for a pinned image, or the tag alone');
    return undefined;
  }
  if (!image.tag && !image.digest) {
    context.problem('image-not-pinned', path, 'an image names a tag or a digest; without one ECS pulls `latest`, which changes under a running service', uri, 'add `:<tag>` or `@sha256:<digest>`');
    return undefined;
  }
  if (image.kind === 'ecr') {
    if (image.partition !== context.partition) {
      context.problem('image-partition-mismatch', path, `the ECR host belongs to partition ${image.partition}, the manifest to ${context.partition}`, uri, 'use an image of the same partition');
      return undefined;
    }
    if (!context.accountsById.has(image.account)) {
      context.problem('image-account-unknown', path, 'the ECR registry account must be declared under `accounts`', image.account, 'add the registry account to `accounts`, or copy the image into a registry of the landing zone');
      return undefined;
    }
    if (!regionBelongsToPartition(image.region, context.partition)) {
      context.problem('region-not-in-partition', path, `the ECR host region must exist in partition ${context.partition}`, image.region, 'correct the region in the image host');
      return undefined;
    }
  }
  return image;
}

/** Checks container settings that ECS accepts at registration but that fail when the task starts. */
function checkContainerSettings(context: ResolveContext, spec: ContainerSpec, path: string, isGateway: boolean): void {
  const mounts = new Map<string, number>();
  spec.writablePaths.forEach((writablePath, index) => {
    const problem = writablePathProblem(writablePath);
    if (problem) {
      context.problem('writable-path-invalid', `${path}.writablePaths.${index}`, problem, writablePath, 'give an absolute path such as /tmp');
      return;
    }
    const normalized = normalizedMountPath(writablePath);
    const previous = mounts.get(normalized);
    if (previous !== undefined) {
      context.problem('writable-path-invalid', `${path}.writablePaths.${index}`, `the path is already listed as entry ${previous}, and one path cannot be mounted twice`, writablePath, 'remove the duplicate');
    }
    mounts.set(normalized, index);
  });

  if (!spec.healthCheck) return;
  // The gateway's check comes from its preset or from `healthCheckCommand`.
  const healthCheckPath = isGateway ? `${path}.healthCheckCommand` : `${path}.healthCheck`;
  const commandProblem = healthCheckCommandProblem(spec.healthCheck.command);
  if (commandProblem) {
    context.problem('health-check-invalid', isGateway ? healthCheckPath : `${healthCheckPath}.command`, commandProblem, spec.healthCheck.command, 'write it like [CMD-SHELL, "curl -f http://localhost:8080/health || exit 1"] or [CMD, /bin/healthcheck]');
  }
  const { timeoutSeconds } = spec.healthCheck;
  if (timeoutSeconds < HEALTH_CHECK_TIMEOUT.min || timeoutSeconds > HEALTH_CHECK_TIMEOUT.max) {
    context.problem('health-check-invalid', `${healthCheckPath}.timeoutSeconds`, `ECS accepts a health check timeout of ${HEALTH_CHECK_TIMEOUT.min} to ${HEALTH_CHECK_TIMEOUT.max} seconds`, timeoutSeconds, `choose ${HEALTH_CHECK_TIMEOUT.max} seconds or less`);
  }
}
