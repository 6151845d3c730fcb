import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { renderContainerDefinitions, taskVolumes } from '../core/container-definitions';
import { ServiceInfo } from '../manifest/model';
import { ExecutionRole, TaskRole } from './roles';

export interface EcsTaskProps {
  readonly service: ServiceInfo;
}

/**
 * A Fargate task definition with its two roles and one log group per container. The log groups
 * are created here with a set retention, so the execution role never needs `logs:CreateLogGroup`.
 */
export class EcsTask extends Construct {
  readonly executionRole: ExecutionRole;
  readonly taskRole: TaskRole;
  readonly taskDefinition: EcsTaskDefinition;
  readonly logGroups: CloudwatchLogGroup[];

  constructor(scope: Construct, id: string, props: EcsTaskProps) {
    super(scope, id);
    const { service } = props;
    this.executionRole = new ExecutionRole(this, 'execution-role', { service });
    this.taskRole = new TaskRole(this, 'task-role', { service });

    this.logGroups = service.containers.map(
      (container) =>
        new CloudwatchLogGroup(this, `log-group-${container.name}`, {
          name: container.logGroupName,
          retentionInDays: container.logRetentionDays,
          tags: { 'ecs-access:service': service.name },
        }),
    );

    this.taskDefinition = new EcsTaskDefinition(this, 'task-definition', {
      family: service.name,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(service.spec.cpu),
      memory: String(service.spec.memory),
      executionRoleArn: this.executionRole.role.arn,
      taskRoleArn: this.taskRole.role.arn,
      containerDefinitions: JSON.stringify(renderContainerDefinitions(service)),
      volume: taskVolumes(service),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      dependsOn: [...this.logGroups],
      tags: { 'ecs-access:service': service.name },
    });
  }
}
