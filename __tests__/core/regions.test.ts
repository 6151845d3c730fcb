import { closestRegion, isKnownRegion, listKnownRegions } from '../../modules/core/regions';

describe('regions', () => {
  test('listed regions are known in their partition only', () => {
    expect(isKnownRegion('eu-west-1', 'aws')).toBe(true);
    expect(isKnownRegion('eu-west-1', 'aws-cn')).toBe(false);
    expect(isKnownRegion('cn-northwest-1', 'aws-cn')).toBe(true);
    expect(isKnownRegion('us-gov-east-1', 'aws-us-gov')).toBe(true);
  });

  test('names of the right shape that AWS does not list are unknown', () => {
    expect(isKnownRegion('eu-cental-1', 'aws')).toBe(false);
    expect(isKnownRegion('us-east-7', 'aws')).toBe(false);
    expect(isKnownRegion('aws-global', 'aws')).toBe(false);
  });

  test('the list covers every partition', () => {
    const regions = listKnownRegions();
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-central-1', 'cn-north-1', 'us-gov-west-1']));
  });

  test('suggests the closest region of the same partition', () => {
    expect(closestRegion('eu-cental-1', 'aws')).toBe('eu-central-1');
    expect(closestRegion('cn-nort-1', 'aws-cn')).toBe('cn-north-1');
    expect(closestRegion('nowhere-at-all-9', 'aws')).toBeUndefined();
  });
});
