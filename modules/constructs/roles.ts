import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { ITerraformDependable } from 'cdktf';
import { ECS_EXECUTION_MANAGED_POLICY } from '../core/actions';
import { executionRoleStatements, taskRoleStatements, trustPolicy } from '../core/access';
import { formatArn } from '../core/arn';
import { ManifestError } from '../core/errors';
import { Statement } from '../core/policy';
import { QUOTAS, layoutRolePolicy } from '../core/quotas';
import { RoleInfo, ServiceInfo } from '../manifest/model';

export interface EcsRoleProps {
  readonly service: ServiceInfo;
}

/**
 * An IAM role assumed by ECS tasks, with its identity statements attached inline when they fit
 * IAM's inline quota and as managed policies when they do not. `policies` lists every policy
 * resource so a service can depend on all of them.
 */
abstract class EcsRole extends Construct {
  readonly role: IamRole;
  readonly policies: ITerraformDependable[] = [];

  protected constructor(scope: Construct, id: string, service: ServiceInfo, info: RoleInfo, kind: 'executionRole' | 'taskRole', statements: Statement[]) {
    super(scope, id);
    const trust = trustPolicy(info, service.env);
    if (trust.size > QUOTAS.trustPolicy) {
      throw new ManifestError([{ id: 'policy-too-large', path: `${service.path}.${kind}`, rule: `a trust policy has at most ${QUOTAS.trustPolicy} characters`, received: trust.size, fix: 'turn off `trustConditions` or ask AWS to raise the quota' }]);
    }
    this.role = new IamRole(this, 'role', {
      name: info.name,
      path: info.path,
      assumeRolePolicy: trust.toJson(),
      permissionsBoundary: info.permissionsBoundaryArn,
      description: `${kind === 'executionRole' ? 'ECS execution role' : 'ECS task role'} of service ${service.name}`,
      tags: { 'ecs-access:service': service.name, 'ecs-access:role': kind },
    });
    if (statements.length === 0) return;

    const layout = layoutRolePolicy(statements);
    if (layout.kind === 'too-large') {
      throw new ManifestError([{
        id: 'policy-too-large',
        path: `${service.path}.${kind}`,
        rule: `the ${kind} policies need ${Number.isFinite(layout.needed) ? layout.needed : 'more than'} managed policies of ${QUOTAS.managedPolicy} characters, over the per-role limit (${layout.size} characters against ${layout.limit})`,
        received: layout.size,
        fix: 'split the service, or group resources under a shared name prefix',
      }]);
    }
    if (layout.kind === 'inline') {
      this.policies.push(new IamRolePolicy(this, 'policy', { name: `${info.name}-policy`, role: this.role.name, policy: layout.document.toJson() }));
      return;
    }
    layout.documents.forEach((document, index) => {
      const policy = new IamPolicy(this, `managed-policy-${index}`, { name: `${info.name}-policy-${index + 1}`, path: info.path, policy: document.toJson() });
      this.policies.push(new IamRolePolicyAttachment(this, `managed-policy-attachment-${index}`, { role: this.role.name, policyArn: policy.arn }));
    });
  }
}

/**
 * The role ECS and Fargate use to start the task: image pulls, log delivery, and secret and
 * parameter injection with their `kms:Decrypt`, derived from the containers and nothing else.
 */
export class ExecutionRole extends EcsRole {
  constructor(scope: Construct, id: string, props: EcsRoleProps) {
    const { service } = props;
    super(scope, id, service, service.executionRole, 'executionRole', executionRoleStatements(service, service.env.partition));
    if (service.executionRole.attachManagedPolicy) {
      this.policies.push(
        new IamRolePolicyAttachment(this, 'aws-managed-policy', {
          role: this.role.name,
          policyArn: formatArn({ partition: service.env.partition, service: 'iam', region: '', account: 'aws', resource: `policy/${ECS_EXECUTION_MANAGED_POLICY}` }),
        }),
      );
    }
  }
}

/** The role the application's own AWS calls use: the manifest's statements, plus ECS Exec when asked. */
export class TaskRole extends EcsRole {
  constructor(scope: Construct, id: string, props: EcsRoleProps) {
    super(scope, id, props.service, props.service.taskRole, 'taskRole', taskRoleStatements(props.service));
  }
}
