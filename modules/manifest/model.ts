import { ImageReference, Partition, ResourceEnv, SecretReference } from '../core/arn';
import { Warning } from '../core/errors';
import { AutoscalingSpec, ContainerSpec, GatewaySpec, LoadBalancerSpec, NetworkSpec, ServiceSpec, StatementSpec } from './schema';

/** The manifest after validation, with every reference resolved to the object it names. */

export interface AccountInfo {
  readonly key: string;
  readonly id: string;
  readonly alias: string;
  readonly deploymentRoleArn?: string;
  readonly stateBucket?: string;
  readonly stateRegion?: string;
  /** True when the account is not a member of the manifest's organization. */
  readonly outsideOrganization: boolean;
}

export interface KeyInfo {
  readonly name: string;
  readonly env: ResourceEnv;
  readonly accountKey: string;
  /** `alias/<name>`. */
  readonly alias: string;
  readonly description: string;
  readonly administrators: readonly string[];
  readonly deletionWindowDays: number;
  /** ARN of a key that already exists; the landing zone then neither creates it nor manages its key policy. */
  readonly existingArn?: string;
}

export type AccessMode = 'roles' | 'organization';

export interface RepositoryInfo {
  readonly name: string;
  readonly env: ResourceEnv;
  readonly accountKey: string;
  readonly arn: string;
  readonly kmsKey?: KeyInfo;
  readonly access: AccessMode;
  readonly keepTaggedImages: number;
  readonly untaggedExpiryDays: number;
}

export interface SecretInfo {
  readonly name: string;
  readonly env: ResourceEnv;
  readonly accountKey?: string;
  readonly ref: SecretReference;
  readonly kmsKey?: KeyInfo;
  /** True when the secret is created by this landing zone; false for `existingArn` and outside ARNs. */
  readonly created: boolean;
  /** True when the landing zone manages the secret's resource policy. */
  readonly managed: boolean;
  readonly access: AccessMode;
  readonly description: string;
}

export type SecretUse =
  | {
      readonly kind: 'secret';
      readonly variable: string;
      readonly path: string;
      readonly secret: SecretInfo;
      readonly valueFrom: string;
      /** The IAM resource for `secretsmanager:GetSecretValue`, without the JSON key suffix. */
      readonly policyResource: string;
    }
  | {
      readonly kind: 'parameter';
      readonly variable: string;
      readonly path: string;
      readonly name: string;
      readonly arn: string;
      readonly valueFrom: string;
      readonly kmsKey?: KeyInfo;
    };

export interface ContainerInfo {
  readonly name: string;
  readonly path: string;
  readonly spec: ContainerSpec;
  readonly image: ImageReference;
  /** The landing zone's repository the image comes from, if any. */
  readonly repository?: RepositoryInfo;
  readonly secrets: readonly SecretUse[];
  readonly logGroupName: string;
  readonly logRetentionDays: number;
  readonly isGateway: boolean;
  /** For a registry outside ECR: the secret holding its credentials. */
  readonly repositoryCredentials?: SecretInfo;
}

export interface RoleInfo {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly permissionsBoundaryArn?: string;
  readonly trustConditions: boolean;
}

export interface ServiceInfo {
  readonly name: string;
  readonly path: string;
  readonly spec: ServiceSpec;
  readonly env: ResourceEnv;
  readonly account: AccountInfo;
  readonly containers: readonly ContainerInfo[];
  readonly gateway?: GatewaySpec;
  readonly executionRole: RoleInfo & { readonly attachManagedPolicy: boolean };
  readonly taskRole: RoleInfo & { readonly statements: readonly StatementSpec[]; readonly ecsExec: boolean };
  /** Absent when the manifest gives no `network`, and then only the task definition is written, no ECS service. */
  readonly network?: NetworkSpec;
  readonly loadBalancer?: LoadBalancerInfo;
  /** The container that receives traffic from the load balancer: the gateway when there is one. */
  readonly ingress?: IngressInfo;
  readonly desiredCount: number;
  readonly autoscaling: AutoscalingSpec;
}

export interface LoadBalancerInfo extends LoadBalancerSpec {
  /** The manifest's path, or the gateway preset's when the manifest gives none. */
  readonly healthCheckPath: string;
}

export interface IngressInfo {
  readonly container: string;
  readonly port: number;
}

export interface LandingZone {
  readonly partition: Partition;
  readonly organizationId?: string;
  readonly defaultRegion: string;
  readonly accounts: ReadonlyMap<string, AccountInfo>;
  readonly keys: ReadonlyMap<string, KeyInfo>;
  readonly repositories: ReadonlyMap<string, RepositoryInfo>;
  readonly secrets: ReadonlyMap<string, SecretInfo>;
  readonly services: readonly ServiceInfo[];
  readonly warnings: readonly Warning[];
}

/** The (account, region) pairs that get a stack, with what each one holds. */
export interface StackScope {
  readonly name: string;
  readonly account: AccountInfo;
  readonly env: ResourceEnv;
  readonly services: readonly ServiceInfo[];
  readonly keys: readonly KeyInfo[];
  readonly repositories: readonly RepositoryInfo[];
  readonly secrets: readonly SecretInfo[];
}
