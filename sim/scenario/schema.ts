import { z } from 'zod';
import { parseDuration, parseRate, parseSize } from './units.js';

/** Most pieces a torrent may have (sim/model/piece-store.ts). */
export const MAX_PIECES = (1 << 24) - 1;
/**
 * Longest simulated time (s, about 31 years): the client mirrors keep whole-second times in
 * int32 (libtorrent's peer list, the policies' slot trees), with retry intervals on top.
 */
export const MAX_DURATION = 1e9;

/**
 * The scenario file format. Every field carries its unit in its description; `swarmsim schema`
 * writes this as JSON Schema for editors. Unknown keys are errors (strict objects), so a typo
 * never silently falls back to a default.
 */

function quantity(parse: (s: string) => number | undefined, example: string, what: string) {
  return z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      const n = typeof v === 'number' ? v : parse(v);
      if (n === undefined || !Number.isFinite(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: `expected ${what} like '${example}' or a number ≥ 0, got ${JSON.stringify(v)}` });
        return z.NEVER;
      }
      return n;
    });
}

const seconds = (d: string) => quantity(parseDuration, '90s', 'a duration').describe(`${d} (seconds, or a string such as '90s', '30m', '2h')`);
const bytes = (d: string) => quantity(parseSize, '256 KiB', 'a size').describe(`${d} (bytes, or a string such as '256 KiB', '1 GiB')`);
const rate = (d: string) => quantity(parseRate, '1 MB/s', 'a rate').describe(`${d} (bytes/s, or a string such as '1 MB/s', '8 Mbit/s')`);
const share = (d: string) => z.number().min(0).max(1).describe(`${d} (share, 0 to 1)`);
const count = (d: string) => z.number().int().min(0).describe(`${d} (whole number ≥ 0)`);

/**
 * Client kinds (sim/model/client-kind.ts): `transmission` (4.x), `libtorrent`, the kinds of the
 * field's other clients (`biglybt`, `rqbit`, `anacrolix`) and of the lab's (`transmission-3`,
 * `qbittorrent`, `webtorrent`, `rtorrent`, `aria2`).
 */
export const CLIENT_KINDS = ['transmission', 'libtorrent', 'biglybt', 'rqbit', 'anacrolix', 'transmission-3', 'qbittorrent', 'webtorrent', 'rtorrent', 'aria2'] as const;
export const BEHAVIOURS = [
  'normal',
  'drop_after_handshake',
  'ghost',
  'refuse',
  'never_unchoke',
  'bad_data',
  'always_full',
  'hammer',
] as const;

const RttSchema = z
  .object({
    median: seconds('median round-trip time').default(0.08),
    sigma: z.number().min(0).max(3).default(0.5).describe('log-normal shape σ of the round-trip time (dimensionless)'),
    min: seconds('smallest round-trip time').default(0.005),
  })
  .strict()
  .describe('round-trip time distribution between any two peers: log-normal');

const NetworkSchema = z
  .object({
    rtt: RttSchema.prefault({}),
    encryption: z.boolean().default(true).describe('message stream encryption on every connection: adds 2 round trips and ~1 KB to each handshake'),
    refused_share: share('share of failed dials to unreachable peers that are refused at once rather than silently timing out').default(0.3),
    have_batch: seconds('HAVE messages a peer sends in one batch per this period (0 = each at once); the piece completing the file goes at once').default(0.5),
  })
  .strict();

const TrackerSchema = z
  .object({
    interval: seconds('announce interval').default(1800),
    min_interval: seconds('minimum announce interval').default(900),
    numwant: count('peers returned per announce').default(50),
    stale_share: share('share of departed peers the tracker keeps listing (left without a stopped announce)').default(0),
    stale_ttl: seconds('how long a stale entry stays listed').default(3600),
  })
  .strict();

const PexSchema = z
  .object({
    enabled: z.boolean().default(true).describe('peer exchange (BEP 11) on public torrents'),
    interval: seconds('PEX message period').default(90),
    max_added: count('peers added per PEX message').default(50),
  })
  .strict();

const DhtSchema = z
  .object({
    enabled: z.boolean().default(false).describe('DHT as a slow random peer source'),
    interval: seconds('DHT re-announce period').default(1500),
    numwant: count('peers per DHT lookup').default(8),
  })
  .strict();

const DiscoverySchema = z
  .object({
    tracker: TrackerSchema.prefault({}),
    pex: PexSchema.prefault({}),
    dht: DhtSchema.prefault({}),
  })
  .strict();

const ArrivalSchema = z
  .union([
    z.object({ at: seconds('every peer of the group arrives at this time') }).strict(),
    z.object({ uniform: z.tuple([seconds('from'), seconds('to')]).describe('arrivals spread uniformly over [from, to] (seconds)') }).strict(),
    z
      .object({
        poisson: z
          .object({
            rate: z.number().positive().describe('arrivals per hour'),
            from: seconds('first possible arrival').default(0),
            until: seconds('last possible arrival').optional(),
          })
          .strict(),
      })
      .strict(),
    z
      .object({
        trace: z.string().min(1).describe('CSV file of arrival times, relative to the scenario file: a header row with a `time` column (seconds), one row per arrival'),
        times: z.array(z.number().min(0)).optional().describe('filled in by the loader from the trace file; do not write it'),
      })
      .strict(),
  ])
  .describe("when the group's peers join: {at: 0}, {uniform: [0, 3600]}, {poisson: {rate: 20}} (rate per hour) or {trace: arrivals.csv}; with poisson, count caps the arrivals (0 = no cap); with a trace, count caps the rows used (0 = all)");

const StaySchema = z
  .union([
    z.literal('forever'),
    z.object({ fixed: seconds('stay') }).strict(),
    z.object({ exponential: seconds('mean stay') }).strict(),
  ])
  .describe("how long a peer stays after it holds the whole file: 'forever', {fixed: 3600} or {exponential: 3600} (seconds)");

const GroupSchema = z
  .object({
    count: count('peers in the group'),
    role: z.enum(['seed', 'leecher']).describe('seed: holds the whole file on arrival; leecher: starts empty'),
    client: z
      .enum(CLIENT_KINDS)
      .optional()
      .describe("client kind: its pulse, limits, timeouts and seed-to-seed close rule; default: the policy's own client (libtorrent-* → libtorrent, anacrolix-torrent → anacrolix, biglybt and rqbit their own, transmission-3.0 → transmission-3, webtorrent → webtorrent, …), else transmission"),
    policy: z.string().optional().describe("reconnect policy of this group (e.g. 'libtorrent-2.1'); default: the client kind's current release. Ignored for the subject group, which runs the policy under comparison"),
    connectable: share('share of the group reachable for incoming connections (not behind NAT)').default(1),
    upload: rate('upload capacity per peer').default(1e6),
    download: rate('download capacity per peer').default(5e6),
    arrival: ArrivalSchema.default({ at: 0 }),
    stay: StaySchema.default('forever'),
    behaviour: z
      .union([z.enum(BEHAVIOURS), z.partialRecord(z.enum(BEHAVIOURS), share('share of the group'))])
      .default('normal')
      .describe("misbehaviour of the group: one name for every peer, or shares such as {ghost: 0.1, drop_after_handshake: 0.05} (the rest normal)"),
    abort: z
      .union([z.literal('never'), z.object({ exponential: seconds('mean time to give up') }).strict()])
      .default('never')
      .describe("leechers that give up before completing: 'never' or {exponential: 3600} (time from arrival, seconds; rate θ = 1/mean)"),
    flapping: z
      .object({
        share: share('share of the group that goes offline and comes back'),
        online: seconds('mean online period (exponential)').default(1800),
        offline: seconds('mean offline period (exponential)').default(600),
      })
      .strict()
      .optional()
      .describe('peers that go offline and come back, keeping their pieces'),
  })
  .strict();

/** What a stop rule waits for (sim/experiments/stop-rule.ts): SPEC "Stop rules". */
export const STOP_CONDITIONS = ['converged', 'settled'] as const;

const StopSchema = z
  .object({
    when: z
      .enum(STOP_CONDITIONS)
      .describe(
        "converged: every leecher that did not leave early holds the whole file (convergence_s), and none is still to arrive; settled: the whole swarm's churn per peer per minute has stayed within 10% of the mean of the last quarter of the run so far for `window` (settle_s). Checked at every sampling point; the run ends at the first one where it holds",
      ),
    max: seconds('longest simulated time; the run ends at the smaller of max and duration if the condition never holds; default: duration').optional(),
    window: seconds('settled: how long the churn must have stayed within 10% before the run stops').default(600),
  })
  .strict()
  .describe('end the run when its question is answered: {when: converged} or {when: settled, window: 10m}, with max capping it');

export const ScenarioSchema = z
  .object({
    name: z.string().min(1).optional().describe('scenario name; default: the file name'),
    description: z.string().optional().describe('what question the scenario answers'),
    duration: seconds('simulated time'),
    sample_interval: seconds('time-series sampling period').default(60),
    torrent: z
      .object({
        size: bytes('payload size'),
        piece_size: bytes('piece size; a torrent has at most 16 777 215 pieces').default(262144),
        public: z.boolean().default(true).describe('public torrent: PEX allowed'),
      })
      .strict(),
    network: NetworkSchema.prefault({}),
    discovery: DiscoverySchema.prefault({}),
    population: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), GroupSchema).describe('peer groups by name'),
    subject: z.string().describe('name of the population group that runs the policy under comparison'),
    policies: z.array(z.string()).min(1).default(['transmission-4.1']).describe('policies to compare (built-in names with parameters, or module paths)'),
    replications: z.number().int().min(1).default(5).describe('replications per policy (whole number ≥ 1)'),
    seed: z.number().int().min(0).default(1).describe('base seed; replication r uses seed + r'),
    stop: StopSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!(s.subject in s.population)) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: `expected the name of a population group (${Object.keys(s.population).join(', ')}), got '${s.subject}'` });
    }
    if (!(s.torrent.piece_size > 0)) ctx.addIssue({ code: 'custom', path: ['torrent', 'piece_size'], message: 'expected a piece size > 0' });
    if (!(s.torrent.size >= s.torrent.piece_size)) ctx.addIssue({ code: 'custom', path: ['torrent', 'size'], message: 'expected a size ≥ torrent.piece_size' });
    else if (Math.ceil(s.torrent.size / s.torrent.piece_size) > MAX_PIECES) {
      // The model keeps a piece sequence number beside 6 flag bits in a small integer per link.
      ctx.addIssue({ code: 'custom', path: ['torrent', 'piece_size'], message: `expected at most ${MAX_PIECES} pieces (size / piece_size), got ${Math.ceil(s.torrent.size / s.torrent.piece_size)}` });
    }
    if (!(s.duration > 0)) ctx.addIssue({ code: 'custom', path: ['duration'], message: 'expected a duration > 0' });
    else if (s.duration > MAX_DURATION) ctx.addIssue({ code: 'custom', path: ['duration'], message: `expected a duration of at most ${MAX_DURATION} s (about 31 years), got ${s.duration}` });
    if (!(s.sample_interval > 0)) ctx.addIssue({ code: 'custom', path: ['sample_interval'], message: 'expected a sampling period > 0' });
    if (s.stop?.max !== undefined) {
      if (!(s.stop.max > 0)) ctx.addIssue({ code: 'custom', path: ['stop', 'max'], message: 'expected a duration > 0' });
      else if (s.stop.max > MAX_DURATION) ctx.addIssue({ code: 'custom', path: ['stop', 'max'], message: `expected a duration of at most ${MAX_DURATION} s (about 31 years), got ${s.stop.max}` });
    }
    if (s.stop && !(s.stop.window > 0)) ctx.addIssue({ code: 'custom', path: ['stop', 'window'], message: 'expected a duration > 0' });
    for (const [name, g] of Object.entries(s.population)) {
      if (typeof g.behaviour === 'object') {
        const total = Object.values(g.behaviour).reduce((x, y) => x + y, 0);
        if (total > 1 + 1e-9) ctx.addIssue({ code: 'custom', path: ['population', name, 'behaviour'], message: `expected shares that add up to at most 1, got ${total}` });
      }
      if ('uniform' in g.arrival && g.arrival.uniform[0] > g.arrival.uniform[1]) {
        ctx.addIssue({ code: 'custom', path: ['population', name, 'arrival', 'uniform'], message: `expected [from, to] with from ≤ to, got [${g.arrival.uniform.join(', ')}]` });
      }
    }
  });

/** A scenario after validation: every default filled in, every quantity in bytes, bytes/s or seconds. */
export type Scenario = z.output<typeof ScenarioSchema>;
export type GroupSpec = Scenario['population'][string];
export type ClientKindName = (typeof CLIENT_KINDS)[number];
export type Behaviour = (typeof BEHAVIOURS)[number];
