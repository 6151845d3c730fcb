/**
 * Region names known to the AWS SDK for JavaScript's partition data (`@aws-sdk/util-endpoints`),
 * so a misspelt region fails at synth time rather than at `terraform plan`.
 */
import { partition as partitionOf } from '@aws-sdk/util-endpoints';
import { Partition } from './arn';

const AREAS = ['af', 'ap', 'ca', 'cn', 'eu', 'il', 'me', 'mx', 'sa', 'us', 'us-gov'];
const DIRECTIONS = ['central', 'east', 'north', 'northeast', 'northwest', 'south', 'southeast', 'southwest', 'west'];

/** Returns whether the SDK's partition data lists the region in the partition. */
export function isKnownRegion(region: string, partition: Partition): boolean {
  const info = partitionOf(region) as { name: string; description?: string };
  // The SDK falls back to a pattern match for unlisted names, and only listed regions carry a description.
  return info.name === partition && info.description !== undefined && region !== `${partition}-global`;
}

let knownRegions: readonly string[] | undefined;

/** Lists every region the SDK knows, found by trying each `<area>-<direction>-<number>` name. */
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

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/** Returns the known region of the partition closest to a misspelt one, if any is within three edits. */
export function closestRegion(region: string, partition: Partition): string | undefined {
  let best: { region: string; distance: number } | undefined;
  for (const candidate of listKnownRegions()) {
    if (!isKnownRegion(candidate, partition)) continue;
    const distance = editDistance(region, candidate);
    if (distance <= 3 && (!best || distance < best.distance)) best = { region: candidate, distance };
  }
  return best?.region;
}
