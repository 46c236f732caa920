import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import type { ClientKindName as SimClientKind } from '../../sim/scenario/schema.js';
import type { ClientKindName, LabFile, LabGroup } from '../config/lab-file.js';

/**
 * A lab file's simulated twin: the same swarm as a scenario, each real client replaced by its
 * mirror. What the twin models of the lab's own network, and what it cannot:
 * - loopback: RTT ≈ 0 (median 0.2 ms), no loss, every client reachable (no NAT);
 * - the clients' start-up: each client arrives when it first announced in the real run the twin
 *   copies (2–4 s after the lab's t = 0, the order differing between runs), not at t = 0;
 * - a private torrent (BEP 27, the lab's default): no PEX, DHT or LPD; the tracker answers on
 *   its interval (`min_interval` = `interval`, so a client short of peers does not re-announce
 *   sooner; the lab's tracker does not ask it to);
 * - an unlimited rate (0 in the lab file) is 100 MB/s, far above what a 256 KiB torrent needs;
 *   but a leecher that took longer than 2 s (Transmission 3.00: ≈ 10 s for 256 KiB on loopback,
 *   its request pipeline and bandwidth pulses, not the wire) downloads at the rate it showed.
 */

/** The mirror of each lab client kind: the simulated client kind, its policy, and the ingested name. */
export const MIRRORS: Record<ClientKindName, { client: SimClientKind; policy: string; real: string }> = {
  transmission: { client: 'transmission-3', policy: 'transmission-3.0', real: 'real:transmission-3.00' },
  libtorrent: { client: 'libtorrent', policy: 'libtorrent-2.0', real: 'real:libtorrent-2.0.8' },
  webtorrent: { client: 'webtorrent', policy: 'webtorrent', real: 'real:webtorrent-3.0.21' },
};

/** RTT on the lab's loopback (s): the twin's log-normal median and floor. */
export const LOOPBACK_RTT = { median: 0.0002, sigma: 0.5, min: 0.00005 };
/** Replications of each twin. */
export const TWIN_REPLICATIONS = 10;
const UNLIMITED = 100e6;
/** A download that took longer than this (s) is modelled at the rate it showed. */
const SLOW_DOWNLOAD_SECS = 2;

interface LabJson {
  start_ms: number;
  clients: { id: string; group: string; address: string; start_after?: number }[];
}

export function readLabJson(runDir: string): LabJson {
  return JSON.parse(readFileSync(join(runDir, 'lab.json'), 'utf8')) as LabJson;
}

/** Seconds from the lab's start to each client's first announce (its start-up time), by client id. */
export function announceOffsets(runDir: string): Map<string, number> {
  const lab = readLabJson(runDir);
  const first = new Map<string, number>();
  for (const line of readTrackerLog(runDir).split('\n')) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line) as { t: number; ip: string };
    if (!first.has(e.ip)) first.set(e.ip, (e.t - lab.start_ms) / 1000);
  }
  const out = new Map<string, number>();
  for (const c of lab.clients) {
    const t = first.get(c.address);
    out.set(c.id, Math.round((t ?? c.start_after ?? 0) * 1000) / 1000);
  }
  return out;
}

function readTrackerLog(dir: string): string {
  const plain = join(dir, 'logs', 'tracker.jsonl');
  if (existsSync(plain)) return readFileSync(plain, 'utf8');
  return gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8');
}

/** A twin: its scenario (raw, with the subject's arrival times in memory) and the file names it is written under. */
export interface Twin {
  /** `<lab>-<run>`, e.g. `seeds-libtorrent-1`. */
  name: string;
  raw: Record<string, unknown>;
  /** The subject clients' arrival times, in lab.json order (the trace CSV's rows). */
  subjectTimes: number[];
}

/**
 * The twin of one real run: the lab's swarm with each client replaced by its mirror, arriving
 * when the real client first announced. Every non-subject client is a group of its own, and the
 * subject group's arrivals are a trace in lab.json order, so simulated peer ids are the run's
 * client indices (the `from`/`to` of both connections.csv files).
 */
export function twinOfRun(lab: LabFile, runDir: string, completionP50: number | null = null): Twin {
  const json = readLabJson(runDir);
  const offsets = announceOffsets(runDir);
  const run = basename(runDir);
  const population: Record<string, unknown> = {};
  const subjectGroup = lab.groups.find((g) => g.subject) ?? lab.groups[0]!;
  const subjectTimes: number[] = [];
  const groupSpec = (g: LabGroup, count: number, arrival: unknown): Record<string, unknown> => ({
    count,
    role: g.role,
    client: MIRRORS[g.kind].client,
    policy: MIRRORS[g.kind].policy,
    upload: g.upload_limit > 0 ? g.upload_limit : UNLIMITED,
    download: g.download_limit > 0 ? g.download_limit : leecherRate(g, json.clients.filter((c) => c.group === g.name).map((c) => offsets.get(c.id)!)),
    arrival,
  });
  // An unlimited leecher that took clearly longer than the wire needs (Transmission 3.00 on
  // loopback: ≈ 10 s for 256 KiB) downloads at the rate it showed: size over the time from its
  // first announce to the run's median completion (summary.csv, from the client's start).
  const leecherRate = (g: LabGroup, announced: number[]): number => {
    if (g.role !== 'leecher' || completionP50 === null || announced.length === 0) return UNLIMITED;
    const span = completionP50 - (Math.min(...announced) - g.start_after);
    return span > SLOW_DOWNLOAD_SECS ? Math.round(lab.torrent.size / span) : UNLIMITED;
  };
  for (const g of lab.groups) {
    const clients = json.clients.filter((c) => c.group === g.name);
    if (g === subjectGroup) {
      for (const c of clients) subjectTimes.push(offsets.get(c.id)!);
      population.subject = groupSpec(g, clients.length, { trace: `${run}.subject.csv`, times: subjectTimes });
      continue;
    }
    for (const c of clients) population[c.id.replace(/-/g, '_')] = groupSpec(g, 1, { at: offsets.get(c.id)! });
  }
  const raw = {
    name: lab.name,
    description: `simulated twin of lab/runs/${run} (lab/${lab.name}.yaml), generated by scripts/real-clients.ts`,
    duration: lab.duration,
    sample_interval: 60,
    torrent: { size: lab.torrent.size, piece_size: lab.torrent.piece_length, public: !lab.torrent.private },
    network: { rtt: { ...LOOPBACK_RTT } },
    discovery: {
      tracker: { interval: lab.tracker.interval, min_interval: lab.tracker.interval, numwant: lab.tracker.numwant },
      pex: { enabled: false },
      dht: { enabled: false },
    },
    population,
    subject: 'subject',
    policies: [MIRRORS[subjectGroup.kind].policy],
    replications: TWIN_REPLICATIONS,
    seed: 1,
  };
  return { name: run, raw, subjectTimes };
}

/** The twin's scenario file (the subject's `times` stay in its trace CSV, as the loader wants). */
export function twinYaml(lab: LabFile, twin: Twin): string {
  const raw = structuredClone(twin.raw) as { population: Record<string, { arrival: Record<string, unknown> }> };
  delete raw.population.subject!.arrival.times;
  return (
    `# Simulated twin of lab/runs/${twin.name} (lab/${lab.name}.yaml): the same swarm, each real client\n` +
    '# replaced by its mirror and arriving when it first announced in that run. Generated by\n' +
    '# `npm run docs:real-clients` (scripts/real-clients.ts): do not edit. Loopback RTT, no NAT.\n' +
    stringify(raw)
  );
}

/** The subject group's arrival trace (`time` column, one row per subject client in lab.json order). */
export function twinTraceCsv(twin: Twin): string {
  return ['time', ...twin.subjectTimes.map(String)].join('\n') + '\n';
}
