import { exampleManifest, findResource, removeSynthesized, resources, StackJson, Synthesized, synthManifest } from '../helpers/synth';

let example: Synthesized;
beforeAll(() => {
  example = synthManifest(exampleManifest());
});
afterAll(() => removeSynthesized(example));

/** The two workload stacks of the example, each with its one service. */
const WORKLOADS = [
  { stack: 'prod-eu-west-1', service: 'my-app1', https: true },
  { stack: 'staging-eu-west-1', service: 'my-app1-staging', https: false },
] as const;

const reference = (type: string, stack: StackJson, predicate: (resource: any) => boolean, attribute = 'id') => {
  const entry = Object.entries(resources(stack, type)).find(([, resource]) => predicate(resource));
  if (!entry) throw new Error(`no ${type} matches`);
  return `\${${type}.${entry[0]}.${attribute}}`;
};
const ecsService = (stack: StackJson, name: string) => findResource(stack, 'aws_ecs_service', (r) => r.name === name);
const containers = (stack: StackJson, family: string) => JSON.parse(findResource(stack, 'aws_ecs_task_definition', (r) => r.family === family).container_definitions) as any[];

describe.each(WORKLOADS)('workload stack $stack', ({ stack: stackName, service, https }) => {
  const stack = () => example.stacks[stackName];
  const taskGroup = () => reference('aws_security_group', stack(), (r) => r.name === `${service}-tasks`);
  const loadBalancerGroup = () => reference('aws_security_group', stack(), (r) => r.name === `${service}-load-balancer`);

  test('holds cluster, task definition and service', () => {
    expect(Object.keys(resources(stack(), 'aws_ecs_cluster'))).toHaveLength(1);
    const names = containers(stack(), service).map((container) => container.name);
    expect(names.sort()).toEqual(['app', 'gateway']);
    expect(ecsService(stack(), service)).toMatchObject({
      launch_type: 'FARGATE',
      task_definition: reference('aws_ecs_task_definition', stack(), (r) => r.family === service, 'arn'),
      cluster: reference('aws_ecs_cluster', stack(), () => true, 'arn'),
    });
  });

  test('gateway and application are essential', () => {
    for (const container of containers(stack(), service)) expect(container.essential).toBe(true);
  });

  test('gateway starts once application is healthy', () => {
    const gateway = containers(stack(), service).find((container) => container.name === 'gateway');
    expect(gateway.dependsOn).toEqual([{ containerName: 'app', condition: 'HEALTHY' }]);
    expect(gateway.healthCheck.command[0]).toMatch(/^CMD/);
  });

  test('gateway is told the application address', () => {
    const gateway = containers(stack(), service).find((container) => container.name === 'gateway');
    expect(gateway.environment).toContainEqual({ name: 'UPSTREAM_URL', value: 'http://localhost:8080' });
  });

  test('application container maps no port', () => {
    const app = containers(stack(), service).find((container) => container.name === 'app');
    expect(app.portMappings).toEqual([]);
  });

  test('target group is ip on gateway port', () => {
    const targetGroup = findResource(stack(), 'aws_lb_target_group', () => true);
    expect(targetGroup).toMatchObject({ target_type: 'ip', port: 8288, protocol: 'HTTP', health_check: expect.objectContaining({ path: '/api/v1/system/health' }) });
    expect(ecsService(stack(), service).load_balancer).toEqual([
      { container_name: 'gateway', container_port: 8288, target_group_arn: reference('aws_lb_target_group', stack(), () => true, 'arn') },
    ]);
  });

  test('load balancer scheme follows manifest', () => {
    const loadBalancer = findResource(stack(), 'aws_lb', () => true);
    expect(loadBalancer).toMatchObject({ load_balancer_type: 'application', internal: !https, drop_invalid_header_fields: true, security_groups: [loadBalancerGroup()] });
  });

  test('tasks accept only the gateway port', () => {
    const ingress = Object.values(resources(stack(), 'aws_vpc_security_group_ingress_rule')).filter((rule) => rule.security_group_id === taskGroup());
    expect(ingress).toEqual([expect.objectContaining({ from_port: 8288, to_port: 8288, ip_protocol: 'tcp', referenced_security_group_id: loadBalancerGroup() })]);
  });

  test('load balancer sends only to tasks', () => {
    const egress = Object.values(resources(stack(), 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.security_group_id === loadBalancerGroup());
    expect(egress).toEqual([expect.objectContaining({ from_port: 8288, to_port: 8288, referenced_security_group_id: taskGroup() })]);
  });

  test('security groups carry no inline rules', () => {
    for (const group of Object.values(resources(stack(), 'aws_security_group'))) {
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    }
  });

  test('service depends on every role policy and listener', () => {
    const dependsOn: string[] = ecsService(stack(), service).depends_on;
    const policies = Object.keys(resources(stack(), 'aws_iam_role_policy')).map((id) => `aws_iam_role_policy.${id}`);
    const listeners = Object.keys(resources(stack(), 'aws_lb_listener')).map((id) => `aws_lb_listener.${id}`);
    expect(policies).toHaveLength(2);
    expect(listeners).toHaveLength(https ? 2 : 1);
    expect(dependsOn).toEqual(expect.arrayContaining([...policies, ...listeners]));
  });

  test('deployments roll back on failure', () => {
    expect(ecsService(stack(), service)).toMatchObject({
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      lifecycle: { ignore_changes: ['desired_count'] },
    });
  });

  test('autoscaling tracks CPU and requests', () => {
    const target = findResource(stack(), 'aws_appautoscaling_target', () => true);
    expect(target).toMatchObject({ service_namespace: 'ecs', scalable_dimension: 'ecs:service:DesiredCount' });
    expect(target.resource_id).toMatch(new RegExp(`^service/\\$\\{aws_ecs_cluster\\.cluster\\.name\\}/\\$\\{aws_ecs_service\\..+\\.name\\}$`));
    const metrics = Object.values(resources(stack(), 'aws_appautoscaling_policy')).map(
      (policy) => policy.target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type,
    );
    expect(metrics.sort()).toEqual(['ALBRequestCountPerTarget', 'ECSServiceAverageCPUUtilization']);
  });
});

describe('listeners', () => {
  const listeners = (stackName: string) => Object.values(resources(example.stacks[stackName], 'aws_lb_listener'));

  test('certificate gives HTTPS and a redirect', () => {
    const [https, http] = [listeners('prod-eu-west-1').find((l) => l.port === 443), listeners('prod-eu-west-1').find((l) => l.port === 80)];
    expect(https).toMatchObject({
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificate_arn: 'arn:aws:acm:eu-west-1:222222222222:certificate/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      default_action: [expect.objectContaining({ type: 'forward' })],
    });
    expect(http.default_action).toEqual([{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }]);
  });

  test('no certificate gives HTTP alone', () => {
    expect(listeners('staging-eu-west-1')).toEqual([expect.objectContaining({ port: 80, protocol: 'HTTP', default_action: [expect.objectContaining({ type: 'forward' })] })]);
  });

  test('no certificate warns load-balancer-http-only', () => {
    const warnings = example.zone.warnings.filter((warning) => warning.id === 'load-balancer-http-only');
    expect(warnings.map((warning) => warning.path)).toEqual(['services.my-app1-staging.loadBalancer.certificateArn']);
  });

  test('load balancer admits manifest CIDRs only', () => {
    const stack = example.stacks['prod-eu-west-1'];
    const group = reference('aws_security_group', stack, (r) => r.name === 'my-app1-load-balancer');
    const ingress = Object.values(resources(stack, 'aws_vpc_security_group_ingress_rule')).filter((rule) => rule.security_group_id === group);
    expect(ingress.map((rule) => [rule.from_port, rule.cidr_ipv4]).sort()).toEqual([[443, '0.0.0.0/0'], [80, '0.0.0.0/0']]);
  });
});

describe('service options', () => {
  test('ECS Exec follows the task role flag', () => {
    expect(ecsService(example.stacks['staging-eu-west-1'], 'my-app1-staging').enable_execute_command).toBe(true);
    expect(ecsService(example.stacks['prod-eu-west-1'], 'my-app1').enable_execute_command).toBe(false);
  });

  test('managed policy attachment is a dependency', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].executionRole = { attachManagedPolicy: true };
    const result = synthManifest(manifest);
    try {
      const stack = result.stacks['prod-eu-west-1'];
      const attachments = Object.keys(resources(stack, 'aws_iam_role_policy_attachment')).map((id) => `aws_iam_role_policy_attachment.${id}`);
      expect(attachments).toHaveLength(1);
      expect(ecsService(stack, 'my-app1').depends_on).toEqual(expect.arrayContaining(attachments));
    } finally {
      removeSynthesized(result);
    }
  });

  test('no network writes no service', () => {
    const manifest = exampleManifest();
    delete manifest.services['my-app1-staging'].network;
    delete manifest.services['my-app1-staging'].loadBalancer;
    const result = synthManifest(manifest);
    try {
      const stack = result.stacks['staging-eu-west-1'];
      expect(Object.keys(resources(stack, 'aws_ecs_task_definition'))).toHaveLength(1);
      expect(resources(stack, 'aws_ecs_service')).toEqual({});
      expect(resources(stack, 'aws_lb')).toEqual({});
    } finally {
      removeSynthesized(result);
    }
  });

  test('no load balancer scales on CPU only', () => {
    const manifest = exampleManifest();
    delete manifest.services['my-app1-staging'].loadBalancer;
    const result = synthManifest(manifest);
    try {
      const stack = result.stacks['staging-eu-west-1'];
      expect(ecsService(stack, 'my-app1-staging').load_balancer).toBeUndefined();
      const policies = Object.values(resources(stack, 'aws_appautoscaling_policy'));
      expect(policies.map((policy) => policy.name)).toEqual(['my-app1-staging-cpu']);
    } finally {
      removeSynthesized(result);
    }
  });
});
