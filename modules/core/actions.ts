/** Named action sets, so every grant says what it allows by name rather than by a list typed again. */

/** The one ECR action that has no resource: it returns a registry login token. */
export const ECR_AUTH_ACTIONS = ['ecr:GetAuthorizationToken'] as const;

/** What an image pull needs on the repository, both in the execution role and in the repository policy. */
export const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;

/** What the awslogs driver needs on a log group that already exists. */
export const LOGS_WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;

/** What ECS needs to inject a Secrets Manager secret into a container. */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

/** What ECS needs to inject SSM parameters into a container. */
export const PARAMETER_READ_ACTIONS = ['ssm:GetParameters'] as const;

export const KMS_DECRYPT_ACTIONS = ['kms:Decrypt'] as const;

/** What ECS Exec needs on the task role to open its channels. */
export const ECS_EXEC_ACTIONS = [
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
] as const;

/** What named key administrators may do; neither encrypt nor decrypt. */
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
