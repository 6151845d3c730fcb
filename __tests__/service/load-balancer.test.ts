import { cidrAttributes, limitedName } from '../../modules/constructs/load-balancer';
import { exampleManifest, findResource, removeSynthesized, synthManifest } from '../helpers/synth';

describe('load balancer names', () => {
  test('short name is kept whole', () => {
    expect(limitedName('my-app1', 'alb')).toBe('my-app1-alb');
  });

  test('long name fits 32 characters', () => {
    const name = limitedName('a-very-long-service-name-for-payments', '8288');
    expect(name.length).toBeLessThanOrEqual(32);
    expect(name).toMatch(/^a-very-long-service-[0-9a-f]{6}-8288$/);
  });

  test('long names sharing a prefix differ', () => {
    expect(limitedName('a-very-long-service-name-for-payments', 'alb')).not.toBe(limitedName('a-very-long-service-name-for-invoices', 'alb'));
  });

  test('synthesized names respect the limit', () => {
    const manifest = exampleManifest();
    const service = manifest.services['my-app1-staging'];
    delete manifest.services['my-app1-staging'];
    manifest.services['my-app1-staging-with-a-much-longer-name'] = service;
    const result = synthManifest(manifest);
    try {
      const stack = result.stacks['staging-eu-west-1'];
      expect(findResource(stack, 'aws_lb', () => true).name.length).toBeLessThanOrEqual(32);
      expect(findResource(stack, 'aws_lb_target_group', () => true).name.length).toBeLessThanOrEqual(32);
    } finally {
      removeSynthesized(result);
    }
  });
});

describe('rule CIDR attributes', () => {
  test('IPv4 goes to cidrIpv4', () => {
    expect(cidrAttributes('10.0.0.0/8')).toEqual({ cidrIpv4: '10.0.0.0/8' });
  });

  test('IPv6 goes to cidrIpv6', () => {
    expect(cidrAttributes('2001:db8::/32')).toEqual({ cidrIpv6: '2001:db8::/32' });
  });
});
