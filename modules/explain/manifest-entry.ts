/**
 * Maps an evaluated request back to the manifest: the field that requests the access (or would
 * have to), whether it is there, and a YAML snippet for the change.
 */
import { Document, visit } from 'yaml';
import { parseArn } from '../core/arn';
import { ContainerInfo, ServiceInfo } from '../manifest/model';
import { AccessRequest } from '../verify/requests';
import { ExplainContext, UseInContainer, manifestService, secretIdentity, secretUsesOf, usesOf } from './context';
import { ParsedMessage } from './message';

export interface ManifestEntry {
  /** Dotted field path, such as `services.my-app1.containers.app.secrets.DB_PASSWORD`. */
  readonly path: string;
  /** `present`: the manifest requests this access; `missing`: it does not, and `yaml` adds it; `unknown`: the field could not be checked, and `path` is a guess. */
  readonly state: 'present' | 'missing' | 'unknown';
  readonly yaml?: string;
  /** The service the entry belongs to. */
  readonly service?: string;
}

/** Renders a YAML document with `leaf` at `path`, the leaf in flow style like the bundled example. */
export function yamlAt(path: readonly string[], leaf: unknown): string {
  const document = new Document({});
  if (Array.isArray(leaf)) {
    // A list of statements stays a block list, with the lists inside each item in flow style.
    const list = document.createNode(leaf);
    visit(list, { Seq: (_, node) => void (node !== list && (node.flow = true)) });
    document.setIn(path, list);
  } else {
    document.setIn(path, typeof leaf === 'object' && leaf !== null ? document.createNode(leaf, { flow: true }) : leaf);
  }
  return document.toString();
}

function splitPath(path: string): string[] {
  return path.split('.');
}

/** Picks the application container a new entry goes into: the first one that is not the gateway. */
function firstContainer(service: ServiceInfo): ContainerInfo | undefined {
  return service.containers.find((container) => !container.isGateway) ?? service.containers[0];
}

/** Derives a placeholder environment variable name for a secret or parameter from its last name segment. */
function variableFor(name: string): string {
  const last = name.split('/').filter(Boolean).pop() ?? 'VALUE';
  return last.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** Picks the use the request was derived for, because verify's purpose names it, as in `my-app1 app reads DB_PASSWORD`. */
function pickUse(uses: readonly UseInContainer[], request: AccessRequest): UseInContainer {
  return uses.find((entry) => request.purpose.includes(`${entry.container.name} reads ${entry.use.variable}`)) ?? uses[0];
}

function secretEntry(context: ExplainContext, service: ServiceInfo, request: AccessRequest, parsed: ParsedMessage): ManifestEntry {
  const resource = request.resource;
  const identity = secretIdentity(resource);
  const uses = identity ? secretUsesOf(service, identity.env, identity.candidates) : [];
  if (uses.length > 0) return { path: pickUse(uses, request).use.path, state: 'present', service: service.name };
  const container = firstContainer(service);
  const name = identity?.candidates[identity.candidates.length - 1] ?? resource;
  const declared = identity ? [...(context.zone?.secrets.values() ?? [])].find((secret) => secret.env.account === identity.env.account && identity.candidates.includes(secret.name)) : undefined;
  const path = `${container?.path ?? `services.${service.name}.containers.<container>`}.secrets.${variableFor(name)}`;
  // A secret the manifest does not declare is referenced by ARN, as the schema allows.
  const source = declared ? { secret: declared.name } : { secret: parsed.secretArn ?? resource };
  return { path, state: 'missing', yaml: yamlAt(splitPath(path), source), service: service.name };
}

function parameterEntry(service: ServiceInfo, request: AccessRequest): ManifestEntry {
  const resource = request.resource;
  const uses = usesOf(service, (use) => use.kind === 'parameter' && use.arn === resource);
  if (uses.length > 0) return { path: pickUse(uses, request).use.path, state: 'present', service: service.name };
  const name = `/${(parseArn(resource)?.resource ?? resource).replace(/^parameter\/?/, '')}`;
  const path = `${firstContainer(service)?.path ?? `services.${service.name}.containers.<container>`}.secrets.${variableFor(name)}`;
  return { path, state: 'missing', yaml: yamlAt(splitPath(path), { parameter: name }), service: service.name };
}

function keyEntry(context: ExplainContext, service: ServiceInfo, request: AccessRequest, parsed: ParsedMessage): ManifestEntry {
  const aliases = [request.context['kms:ResourceAliases'] ?? []].flat();
  const via = String(request.context['kms:ViaService'] ?? '');
  const keyName = (alias: string | undefined) => alias?.replace(/^alias\//, '');
  if (via.startsWith('ssm.')) {
    const uses = usesOf(service, (use) => use.kind === 'parameter' && use.kmsKey !== undefined && aliases.includes(use.kmsKey.alias));
    if (uses.length > 0) return { path: pickUse(uses, request).use.path, state: 'present', service: service.name };
  } else {
    // Prefer the secret the message names, then any secret of this service encrypted with the key.
    const named = parsed.secretArn ? secretIdentity(parsed.secretArn) : undefined;
    const uses = usesOf(
      service,
      (use) =>
        use.kind === 'secret' &&
        use.secret.kmsKey !== undefined &&
        aliases.includes(use.secret.kmsKey.alias) &&
        (named === undefined || named.candidates.includes(use.secret.name)),
    );
    if (uses.length > 0) return { path: pickUse(uses, request).use.path, state: 'present', service: service.name };
    if (named) {
      const secret = context.zone?.secrets.get(named.candidates[named.candidates.length - 1]);
      if (secret) return { path: `secrets.${secret.name}.kmsKey`, state: secret.kmsKey ? 'present' : 'missing', yaml: yamlAt(['secrets', secret.name, 'kmsKey'], keyName(aliases[0]) ?? '<key name>'), service: service.name };
    }
  }
  return { path: `kmsKeys.${keyName(aliases[0]) ?? '<key name>'}`, state: 'unknown', service: service.name };
}

function repositoryEntry(service: ServiceInfo, resource: string): ManifestEntry {
  const repository = parseArn(resource)?.resource.replace(/^repository\//, '');
  const containers = service.containers.filter((container) => container.image.kind === 'ecr' && container.image.repository === repository);
  if (containers.length > 0) return { path: `${containers[0].path}.image`, state: 'present', service: service.name };
  const container = firstContainer(service);
  return { path: `${container?.path ?? `services.${service.name}.containers.<container>`}.image`, state: 'missing', service: service.name };
}

function logEntry(service: ServiceInfo, resource: string): ManifestEntry {
  const group = /log-group:([^:]+)/.exec(resource)?.[1];
  const container = service.containers.find((candidate) => candidate.logGroupName === group);
  return container ? { path: container.path, state: 'present', service: service.name } : { path: `services.${service.name}.containers`, state: 'missing', service: service.name };
}

/** Finds the manifest field behind a request of an execution role or task role. */
export function manifestEntryFor(context: ExplainContext, request: AccessRequest, parsed: ParsedMessage): ManifestEntry | undefined {
  if (!context.zone) return undefined;
  const owner = manifestService(context, request.principal);
  if (!owner) return undefined;
  const { service, kind } = owner;
  if (kind === 'taskRole') {
    if (request.action.startsWith('ssmmessages:')) {
      return { path: `services.${service.name}.taskRole.ecsExec`, state: service.taskRole.ecsExec ? 'present' : 'missing', yaml: yamlAt(['services', service.name, 'taskRole', 'ecsExec'], true), service: service.name };
    }
    const path = `services.${service.name}.taskRole.statements`;
    if (service.taskRole.statements.some((statement) => statement.actions.includes(request.action))) return { path, state: 'present', service: service.name };
    // The snippet shows the statement to append to the list, not a replacement for it.
    const statement = { sid: request.action.split(':')[1]?.replace(/[^A-Za-z0-9]/g, '') || 'Allow', actions: [request.action], resources: [request.resource] };
    return { path, state: 'missing', yaml: yamlAt(splitPath(path), [statement]), service: service.name };
  }

  const arnService = parseArn(request.resource)?.service;
  if (request.action === 'ecr:GetAuthorizationToken') {
    const container = service.containers.find((candidate) => candidate.image.kind === 'ecr') ?? firstContainer(service);
    return { path: `${container?.path ?? `services.${service.name}.containers`}.image`, state: 'present', service: service.name };
  }
  switch (arnService) {
    case 'secretsmanager':
      return secretEntry(context, service, request, parsed);
    case 'ssm':
      return parameterEntry(service, request);
    case 'kms':
      return keyEntry(context, service, request, parsed);
    case 'ecr':
      return repositoryEntry(service, request.resource);
    case 'logs':
      return logEntry(service, request.resource);
    default:
      return { path: `services.${service.name}`, state: 'unknown', service: service.name };
  }
}

