/**
 * The smallest useful cdktf app: one stack with a provider and one `aws_iam_role`. The bench run
 * compares the bundled example's synth time with this app's, so the ratio shows what the
 * manifest, validation and policy derivation add over cdktf's own start-up and synthesis.
 */
import { App, TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

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
