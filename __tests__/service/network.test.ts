import { executionRoleStatements } from '../../modules/core/access';
import { validateManifest } from '../../modules/manifest/validate';
import { exampleManifest, findResource, manifestProblems, policyOf, removeSynthesized, resources, StackJson, Synthesized, synthManifest } from '../helpers/synth';

let example: Synthesized;
beforeAll(() => {
  example = synthManifest(exampleManifest());
});
afterAll(() => removeSynthesized(example));

const prod = () => example.stacks['prod-eu-west-1'];
const EXECUTION_ROLE = 'arn:aws:iam::222222222222:role/my-app1-execution';
const endpoint = (stack: StackJson, service: string) => findResource(stack, 'aws_vpc_endpoint', (r) => r.service_name === `com.amazonaws.eu-west-1.${service}`);


describe('VPC endpoints', () => {
  test('egress endpoints creates all seven', () => {
    const names = Object.values(resources(prod(), 'aws_vpc_endpoint')).map((e) => e.service_name.replace('com.amazonaws.eu-west-1.', ''));
    expect(names.sort()).toEqual(['ecr.api', 'ecr.dkr', 'kms', 'logs', 's3', 'secretsmanager', 'ssm']);
  });

  test('interface endpoints use private DNS in task subnets', () => {
    expect(endpoint(prod(), 'ecr.dkr')).toMatchObject({
      vpc_endpoint_type: 'Interface',
      private_dns_enabled: true,
      vpc_id: 'vpc-0a1b2c3d4e5f60718',
      subnet_ids: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712', 'subnet-0a1b2c3d4e5f60713'],
    });
  });

  test.each([
    ['ecr.api', 'ecr:'],
    ['ecr.dkr', 'ecr:'],
    ['logs', 'logs:'],
    ['secretsmanager', 'secretsmanager:'],
    ['ssm', 'ssm:'],
    ['kms', 'kms:'],
  ])('%s policy allows exactly the execution role actions', (service, prefix) => {
    const zone = example.zone;
    const myApp = zone.services.find((candidate) => candidate.name === 'my-app1')!;
    const expected = executionRoleStatements(myApp, 'aws')
      .flatMap((statement) => statement.actions)
      .filter((action) => action.startsWith(prefix));
    const statements = policyOf(endpoint(prod(), service)).Statement;
    expect([...new Set(statements.flatMap((statement) => statement.Action))].sort()).toEqual([...new Set(expected)].sort());
    for (const statement of statements) {
      expect(statement.Principal).toEqual({ AWS: ['arn:aws:iam::222222222222:root'] });
      expect(statement.Condition.ArnEquals['aws:PrincipalArn']).toEqual([EXECUTION_ROLE]);
    }
  });

  test('S3 endpoint serves ECR layers', () => {
    const s3 = endpoint(prod(), 's3');
    expect(s3).toMatchObject({ vpc_endpoint_type: 'Gateway', route_table_ids: ['rtb-0a1b2c3d4e5f60721', 'rtb-0a1b2c3d4e5f60722', 'rtb-0a1b2c3d4e5f60723'] });
    expect(policyOf(s3).Statement).toContainEqual({
      Sid: 'GetEcrImageLayers',
      Effect: 'Allow',
      Principal: '*',
      Action: ['s3:GetObject'],
      Resource: ['arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*'],
    });
  });

  test('S3 endpoint keeps task role reads', () => {
    const statement = policyOf(endpoint(prod(), 's3')).Statement.find((candidate) => candidate.Sid === 'MyApp1TaskRoleReadUploads');
    expect(statement.Resource).toEqual(['arn:aws:s3:::my-app1-uploads-222222222222/*']);
    expect(statement.Condition.ArnEquals['aws:PrincipalArn']).toEqual(['arn:aws:iam::222222222222:role/my-app1-task']);
  });

  test('tasks reach endpoints on 443 only', () => {
    const taskGroup = Object.entries(resources(prod(), 'aws_security_group')).find(([, group]) => group.name === 'my-app1-tasks')![0];
    const egress = Object.values(resources(prod(), 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.security_group_id === `\${aws_security_group.${taskGroup}.id}`);
    const https = egress.filter((rule) => rule.from_port === 443);
    expect(https).toHaveLength(2);
    expect(https.some((rule) => rule.cidr_ipv4 === '0.0.0.0/0')).toBe(false);
    expect(https.map((rule) => rule.referenced_security_group_id ?? rule.prefix_list_id).sort()).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\.vpc-endpoints-.+\.id\}$/),
      expect.stringMatching(/^\$\{aws_vpc_endpoint\..+endpoint-s3.+\.prefix_list_id\}$/),
    ]);
  });

  test('service waits for the endpoints', () => {
    const dependsOn: string[] = findResource(prod(), 'aws_ecs_service', () => true).depends_on;
    for (const id of Object.keys(resources(prod(), 'aws_vpc_endpoint'))) expect(dependsOn).toContain(`aws_vpc_endpoint.${id}`);
  });

  test('ECS Exec adds the ssmmessages endpoint', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].taskRole.ecsExec = true;
    const result = synthManifest(manifest);
    try {
      const policy = policyOf(endpoint(result.stacks['prod-eu-west-1'], 'ssmmessages'));
      expect(policy.Statement.map((statement) => statement.Sid)).toEqual(['MyApp1TaskRoleEcsExecChannels']);
      expect(policy.Statement[0].Condition.ArnEquals['aws:PrincipalArn']).toEqual(['arn:aws:iam::222222222222:role/my-app1-task']);
    } finally {
      removeSynthesized(result);
    }
  });

  test('NAT egress creates no endpoints', () => {
    const staging = example.stacks['staging-eu-west-1'];
    expect(resources(staging, 'aws_vpc_endpoint')).toEqual({});
    const https = Object.values(resources(staging, 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.from_port === 443);
    expect(https).toEqual([expect.objectContaining({ cidr_ipv4: '0.0.0.0/0' })]);
  });

  test('manifest egress rules are added', () => {
    const ports = Object.values(resources(prod(), 'aws_vpc_security_group_egress_rule'))
      .filter((rule) => rule.cidr_ipv4 === '10.20.8.0/22')
      .map((rule) => rule.from_port);
    expect(ports.sort()).toEqual([3306, 6379, 8086]);
  });
});

describe('network warnings', () => {
  test('egress none warns with stable id', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].network.egress = 'none';
    const warning = validateManifest(manifest).warnings.find((candidate) => candidate.id === 'network-no-egress-path');
    expect(warning?.path).toBe('services.my-app1.network.egress');
    expect(warning?.message).toContain('ResourceInitializationError');
  });

  test('task role call without endpoint warns', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].taskRole.statements.push({ sid: 'ReadOrders', actions: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:eu-west-1:222222222222:table/orders'] });
    const warnings = validateManifest(manifest).warnings.filter((warning) => warning.id === 'endpoint-missing-for-task-role');
    expect(warnings.map((warning) => warning.path)).toEqual(['services.my-app1.taskRole.statements.1']);
    expect(warnings[0].message).toContain('dynamodb');
  });

  test('image outside ECR warns without NAT', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].containers.sidecar = { image: 'public.ecr.aws/docker/library/busybox:1.37' };
    const ids = validateManifest(manifest).warnings.filter((warning) => warning.id === 'image-needs-internet').map((warning) => warning.path);
    expect(ids).toEqual(['services.my-app1.containers.sidecar.image']);
  });
});

describe('network validation', () => {
  test('endpoints need route tables', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].network.routeTableIds = [];
    expect(manifestProblems(manifest)).toContainEqual(expect.objectContaining({ id: 'route-tables-missing', path: 'services.my-app1.network.routeTableIds' }));
  });

  test('malformed ids are rejected', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].network.vpcId = 'vpc-123';
    manifest.services['my-app1'].network.subnetIds = ['subnet-0a1b2c3d4e5f60711', 'sn-1'];
    const problems = manifestProblems(manifest);
    expect(problems).toContainEqual(expect.objectContaining({ id: 'vpc-id-invalid', path: 'services.my-app1.network.vpcId' }));
    expect(problems).toContainEqual(expect.objectContaining({ id: 'subnet-id-invalid', path: 'services.my-app1.network.subnetIds.1' }));
  });

  test('certificate from another region rejected', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].loadBalancer.certificateArn = 'arn:aws:acm:us-east-1:222222222222:certificate/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    const problem = manifestProblems(manifest).find((candidate) => candidate.id === 'certificate-location');
    expect(problem?.path).toBe('services.my-app1.loadBalancer.certificateArn');
    expect(problem?.fix).toContain('eu-west-1');
  });

  test('load balancer needs a network', () => {
    const manifest = exampleManifest();
    delete manifest.services['my-app1'].network;
    expect(manifestProblems(manifest)).toContainEqual(expect.objectContaining({ id: 'load-balancer-needs-network', path: 'services.my-app1.loadBalancer' }));
  });

  test('egress rule needs one destination', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].network.egressRules = [{ description: 'both', port: 5432, cidr: '10.0.0.0/16', prefixListId: 'pl-0a1b2c3d' }];
    expect(manifestProblems(manifest)).toContainEqual(expect.objectContaining({ id: 'egress-rule-destination', path: 'services.my-app1.network.egressRules.0' }));
  });

  test('bad CIDR is rejected', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].loadBalancer.allowedCidrs = ['10.0.0.0/33'];
    expect(manifestProblems(manifest)).toContainEqual(expect.objectContaining({ id: 'cidr-invalid', path: 'services.my-app1.loadBalancer.allowedCidrs.0' }));
  });

  test('desired count outside autoscaling range', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].desiredCount = 20;
    expect(manifestProblems(manifest)).toContainEqual(expect.objectContaining({ id: 'autoscaling-range-invalid', path: 'services.my-app1.desiredCount' }));
  });
});
