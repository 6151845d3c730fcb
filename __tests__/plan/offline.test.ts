import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AWS_PROVIDER_VERSION,
  MIRROR_SETTING,
  OfflineSetupError,
  TERRAFORM_SETTING,
  findProviderMirror,
  findTerraform,
  mirrorCandidates,
  mirrorHasAwsProvider,
  planOffline,
} from '../../modules/plan/offline';
import { exampleManifest, removeSynthesized, Synthesized, synthManifest } from '../helpers/synth';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ecs-access-plan-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('terraform discovery', () => {
  test('a setting pointing nowhere names the setting', () => {
    expect(() => findTerraform({ [TERRAFORM_SETTING]: join(scratch, 'missing'), PATH: '' })).toThrow(new RegExp(`${TERRAFORM_SETTING} is set to .*missing`));
  });

  test('no terraform on PATH says how to set it', () => {
    expect(() => findTerraform({ PATH: scratch })).toThrow(OfflineSetupError);
    expect(() => findTerraform({ PATH: scratch })).toThrow(TERRAFORM_SETTING);
  });

  test('finds an executable on PATH', () => {
    const bin = join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'terraform'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findTerraform({ PATH: `${join(scratch, 'nothing')}:${bin}` })).toBe(join(bin, 'terraform'));
  });
});

describe('provider mirror discovery', () => {
  test('recognises an unpacked mirror holding the pinned provider', () => {
    const mirror = join(scratch, 'mirror');
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    mkdirSync(join(mirror, 'registry.terraform.io/hashicorp/aws', AWS_PROVIDER_VERSION, `${process.platform}_${arch}`), { recursive: true });
    expect(mirrorHasAwsProvider(mirror)).toBe(true);
    expect(findProviderMirror({ [MIRROR_SETTING]: mirror })).toBe(mirror);
  });

  test('a mirror with another version is rejected with the setting name', () => {
    const mirror = join(scratch, 'old-mirror');
    mkdirSync(join(mirror, 'registry.terraform.io/hashicorp/aws/5.0.0'), { recursive: true });
    expect(mirrorHasAwsProvider(mirror)).toBe(false);
    expect(() => findProviderMirror({ [MIRROR_SETTING]: mirror })).toThrow(`${MIRROR_SETTING} is set to ${mirror}`);
  });

  test('no mirror anywhere lists the folders searched', () => {
    const empty = join(scratch, 'empty-home');
    mkdirSync(empty, { recursive: true });
    expect(() => findProviderMirror({}, [empty, join(scratch, 'old-mirror')])).toThrow(`found in ${empty}, ${join(scratch, 'old-mirror')}. Set ${MIRROR_SETTING}`);
  });

  test('searches the home folder and the system folders', () => {
    const candidates = mirrorCandidates({ HOME: '/home/someone' });
    expect(candidates).toContain('/home/someone/.terraform.d/plugins');
    expect(candidates).toContain('/home/someone/.local/share/terraform/plugins');
    expect(candidates).toContain('/usr/share/terraform/plugins');
  });
});

describe('offline plan of the example', () => {
  let example: Synthesized;
  beforeAll(() => {
    example = synthManifest(exampleManifest());
  });
  afterAll(() => removeSynthesized(example));

  // Needs terraform and the provider mirror; when either is missing this fails with the message
  // that says which setting to use, rather than skipping.
  test('every stack passes init, validate and plan', async () => {
    const results = await planOffline({ synthDir: example.dir, workDir: join(scratch, 'work') });
    expect(results.map((result) => result.stack)).toEqual(['prod-eu-west-1', 'shared-services-eu-west-1', 'staging-eu-west-1']);
    for (const result of results) {
      expect({ stack: result.stack, ok: result.ok, output: result.output }).toEqual({ stack: result.stack, ok: true, output: undefined });
      expect(result.toAdd).toBeGreaterThan(0);
      expect(result.toDestroy).toBe(0);
    }
  });

  test('a broken stack fails at validate with terraform output', async () => {
    const stack = example.stacks['staging-eu-west-1'] as any;
    const broken = join(scratch, 'broken');
    mkdirSync(join(broken, 'stacks', 'bad'), { recursive: true });
    const firstRole = Object.keys(stack.resource.aws_iam_role)[0];
    const copy = JSON.parse(JSON.stringify(stack));
    copy.resource.aws_iam_role[firstRole].not_an_argument = true;
    writeFileSync(join(broken, 'stacks', 'bad', 'cdk.tf.json'), JSON.stringify(copy));
    const [result] = await planOffline({ synthDir: broken, workDir: join(scratch, 'broken-work') });
    expect(result).toMatchObject({ stack: 'bad', ok: false, step: 'validate' });
    expect(result.output).toContain('not_an_argument');
  });
});
