/** Named action sets, so every grant names what it allows instead of repeating a list. */

/** The one ECR action that has no resource: it returns a registry login token. */
export const ECR_AUTH_ACTIONS = ['ecr:GetAuthorizationToken'] as const;

/** Actions an image pull needs on the repository, both in the execution role and in the repository policy. */
export const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;

/** Actions the awslogs driver needs on a log group that already exists. */
export const LOGS_WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;

/** Action ECS needs to inject a Secrets Manager secret into a container. */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

/** Action ECS needs to inject SSM parameters into a container. */
export const PARAMETER_READ_ACTIONS = ['ssm:GetParameters'] as const;

export const KMS_DECRYPT_ACTIONS = ['kms:Decrypt'] as const;

/** Actions ECS Exec needs on the task role to open its channels. */
export const ECS_EXEC_ACTIONS = [
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
] as const;

/** Actions of named key administrators, which include neither encrypt nor decrypt. */
export const KMS_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:Create*',
  'kms:Delete*',
  'kms:Describe*',
  'kms:Disable*',
  'kms:Enable*',
  'kms:Get*',
  'kms:List*',
  'kms:Put*',
  'kms:Revoke*',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:Update*',
] as const;

/** The AWS managed policy for execution roles; attached only when a service opts in. */
export const ECS_EXECUTION_MANAGED_POLICY = 'service-role/AmazonECSTaskExecutionRolePolicy';
