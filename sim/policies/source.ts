/**
 * Where a peer was learned from. Numbers are Transmission's `from_best` ranks (lower is better):
 * INCOMING 0, LPD 1, TRACKER 2, DHT 3, PEX 4, RESUME 5, LTEP 6.
 */
export const Source = {
  Incoming: 0,
  Lpd: 1,
  Tracker: 2,
  Dht: 3,
  Pex: 4,
  Resume: 5,
  Ltep: 6,
} as const;
export type Source = (typeof Source)[keyof typeof Source];

export const SOURCE_NAMES: readonly string[] = ['incoming', 'lpd', 'tracker', 'dht', 'pex', 'resume', 'ltep'];
