/**
 * Region names known to the AWS SDK for JavaScript's partition data (`@aws-sdk/util-endpoints`),
 * so a misspelt region fails at synth time rather than at `terraform plan`.
 */
import { partition as partitionOf } from '@aws-sdk/util-endpoints';
import { Partition } from './arn';
import { closestMatch } from './spelling';

const AREAS = ['af', 'ap', 'ca', 'cn', 'eu', 'il', 'me', 'mx', 'sa', 'us', 'us-gov'];
const DIRECTIONS = ['central', 'east', 'north', 'northeast', 'northwest', 'south', 'southeast', 'southwest', 'west'];

/** Returns whether the SDK's partition data lists the region in the partition. */
export function isKnownRegion(region: string, partition: Partition): boolean {
  const info = partitionOf(region) as { name: string; description?: string };
  // The SDK falls back to a pattern match for unlisted names, and only listed regions carry a description.
  return info.name === partition && info.description !== undefined && region !== `${partition}-global`;
}

let knownRegions: readonly string[] | undefined;

/** Lists every region in the SDK's partition data, found by trying each `<area>-<direction>-<number>` name. */
export function listKnownRegions(): readonly string[] {
  if (!knownRegions) {
    const found: string[] = [];
    for (const area of AREAS) {
      for (const direction of DIRECTIONS) {
        for (let number = 1; number <= 9; number++) {
          const region = `${area}-${direction}-${number}`;
          const info = partitionOf(region) as { description?: string };
          if (info.description !== undefined) found.push(region);
        }
      }
    }
    knownRegions = found;
  }
  return knownRegions;
}

/** Returns the known region of the partition closest to a misspelt one, if any is within three edits. */
export function closestRegion(region: string, partition: Partition): string | undefined {
  const candidates = listKnownRegions().filter((candidate) => isKnownRegion(candidate, partition));
  return closestMatch(region, candidates, 3);
}
