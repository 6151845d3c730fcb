/**
 * The smallest useful cdktf app: one stack with a provider and one `aws_iam_role`. The bench run
 * compares the bundled example's synth time with this app's, so the ratio shows what the
 * manifest, validation and policy derivation add over cdktf's own start-up and synthesis.
 * BENCH_PRELOAD_MODULES, a comma-separated list of module names, is loaded first, so the same app
 * can also show the cost of loading the provider classes that the real app imports.
 */
import { App, TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

for (const specifier of (process.env.BENCH_PRELOAD_MODULES ?? '').split(',').filter(Boolean)) require(specifier);

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out' });
const stack = new TerraformStack(app, 'one-role');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
new IamRole(stack, 'role', {
  name: 'one-role',
  assumeRolePolicy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: ['ecs-tasks.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
  }),
});
app.synth();
