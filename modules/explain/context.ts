/**
 * Everything an explanation looks things up in: the synthesized output as verify reads it, the
 * raw stack JSON for what verify does not model (ECS services, VPC endpoints, security group
 * rules), the start-up requests verify derives, and the manifest the output came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Partition, PARTITIONS, ResourceEnv, SECRET_SUFFIX, formatArn, parseArn, parseSecretArn, regionBelongsToPartition } from '../core/arn';
import { ContainerInfo, LandingZone, SecretUse, ServiceInfo } from '../manifest/model';
import { factsFromManifest } from '../verify';
import { NO_FACTS } from '../verify/facts';
import { KeyModel, RoleModel, SecretModel, SynthesizedOutput, TaskDefinitionModel, listStacks, readSynthesizedOutput } from '../verify/output';
import { AccessRequest, deriveRequests } from '../verify/requests';

export type ResourceBlock = Record<string, any>;
export type StackResources = Record<string, Record<string, ResourceBlock>>;

export interface ExplainContext {
  readonly dir: string;
  readonly output: SynthesizedOutput;
  /** Raw `resource` tables by stack name. */
  readonly stacks: ReadonlyMap<string, StackResources>;
  /** Requests verify expects to be allowed: each task's start-up as its execution role and the task role's declared statements. */
  readonly requests: readonly AccessRequest[];
  readonly zone?: LandingZone;
}

/** Reads a synthesized output folder; `zone` is the manifest it was synthesized from, when known. */
export function loadContext(dir: string, zone?: LandingZone): ExplainContext {
  const output = readSynthesizedOutput(dir);
  const stacks = new Map<string, StackResources>();
  for (const name of listStacks(dir)) {
    const json = JSON.parse(readFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as { resource?: StackResources };
    stacks.set(name, json.resource ?? {});
  }
  const facts = zone ? factsFromManifest(zone) : NO_FACTS;
  const requests = deriveRequests(output, facts).requests.filter((request) => request.expected === 'allow');
  return { dir, output, stacks, requests, zone };
}

export function partitionOfRegion(region: string): Partition {
  return PARTITIONS.find((partition) => regionBelongsToPartition(region, partition)) ?? 'aws';
}

/** The last path segment of a role ARN, which is the role name. */
export function roleNameOf(arn: string): string {
  const resource = parseArn(arn)?.resource ?? '';
  return resource.slice(resource.lastIndexOf('/') + 1);
}

/** Compares role ARNs by account and name, because a session ARN loses the role path. */
export function sameRole(a: string, b: string): boolean {
  return parseArn(a)?.account === parseArn(b)?.account && roleNameOf(a) === roleNameOf(b);
}

export function findRole(context: ExplainContext, arn: string): RoleModel | undefined {
  return context.output.roles.find((role) => sameRole(role.arn, arn));
}

/** The task definition that uses a role, and whether the role is its execution role or task role. */
export function taskOfRole(context: ExplainContext, arn: string): { task: TaskDefinitionModel; kind: 'executionRole' | 'taskRole' } | undefined {
  for (const task of context.output.taskDefinitions) {
    if (task.executionRoleArn && sameRole(task.executionRoleArn, arn)) return { task, kind: 'executionRole' };
    if (task.taskRoleArn && sameRole(task.taskRoleArn, arn)) return { task, kind: 'taskRole' };
  }
  return undefined;
}

/** The secret's name and environment from a complete or partial ARN; the six-character suffix is dropped when present. */
export function secretIdentity(arn: string): { env: ResourceEnv; name: string; candidates: string[] } | undefined {
  const parsed = parseSecretArn(arn.split(':').slice(0, 7).join(':'), false);
  if ('error' in parsed) return undefined;
  const candidates = [parsed.name];
  if (SECRET_SUFFIX.test(parsed.name)) candidates.push(parsed.name.slice(0, -7));
  return { env: parsed.env, name: parsed.name, candidates };
}

export function findSecret(context: ExplainContext, arn: string): SecretModel | undefined {
  const identity = secretIdentity(arn);
  if (!identity) return undefined;
  return context.output.secrets.find(
    (secret) => secret.env.account === identity.env.account && secret.env.region === identity.env.region && identity.candidates.includes(secret.name),
  );
}

export function findKey(context: ExplainContext, arn: string): KeyModel | undefined {
  const parsed = parseArn(arn);
  if (!parsed) return undefined;
  return context.output.keys.find(
    (key) =>
      key.arn === arn ||
      (key.env.account === parsed.account && key.env.region === parsed.region && key.aliases.includes(parsed.resource)),
  );
}

export function repositoryArnOf(image: { account: string; region: string; repository: string }): string {
  return formatArn({ partition: partitionOfRegion(image.region), service: 'ecr', region: image.region, account: image.account, resource: `repository/${image.repository}` });
}

/** The stack a policy label such as `shared-services-eu-west-1/aws_kms_key.x` belongs to. */
export function stackOfLabel(label: string | undefined): string | undefined {
  return label?.split('/')[0];
}

// ---------------------------------------------------------------------------------------------
// Manifest look-ups

export function manifestService(context: ExplainContext, roleArn: string): { service: ServiceInfo; kind: 'executionRole' | 'taskRole' } | undefined {
  for (const service of context.zone?.services ?? []) {
    if (sameRole(service.executionRole.arn, roleArn)) return { service, kind: 'executionRole' };
    if (sameRole(service.taskRole.arn, roleArn)) return { service, kind: 'taskRole' };
  }
  return undefined;
}

export function manifestServiceByName(context: ExplainContext, name: string | undefined): ServiceInfo | undefined {
  return name === undefined ? undefined : context.zone?.services.find((service) => service.name === name);
}

export interface UseInContainer {
  readonly container: ContainerInfo;
  readonly use: SecretUse;
}

export function usesOf(service: ServiceInfo, predicate: (use: SecretUse) => boolean): UseInContainer[] {
  return service.containers.flatMap((container) => container.secrets.filter(predicate).map((use) => ({ container, use })));
}

export function secretUsesOf(service: ServiceInfo, env: { account: string; region: string }, names: readonly string[]): UseInContainer[] {
  return usesOf(service, (use) => use.kind === 'secret' && use.secret.env.account === env.account && use.secret.env.region === env.region && names.includes(use.secret.name));
}

/** The manifest service whose task definition family matches, for messages that name no role. */
export function serviceOfTask(context: ExplainContext, task: TaskDefinitionModel): ServiceInfo | undefined {
  return context.zone?.services.find((service) => task.executionRoleArn !== undefined && sameRole(service.executionRole.arn, task.executionRoleArn)) ??
    context.zone?.services.find((service) => service.name === task.family);
}
