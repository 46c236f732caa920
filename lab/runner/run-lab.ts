import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Server } from 'node:http';
import { InputError } from '../../sim/input-error.js';
import { writeFileAtomic } from '../../sim/experiments/atomic.js';
import { VERSION } from '../../sim/experiments/package-info.js';
import type { ClientKindName, LabFile } from '../config/lab-file.js';
import { DRIVERS } from '../clients/drivers.js';
import type { LabContext, Launch } from '../clients/types.js';
import { makeTorrent } from '../torrent/make-torrent.js';
import { startTracker } from '../tracker/http-tracker.js';
import { assignClients } from './assign.js';
import { LOOPBACK_PREFIX, NS_PREFIX } from './netns.js';
import { ProcessSet, sleep } from './processes.js';

/** The lab's one source of wall time (lab/ is outside the simulation's determinism rule). */
const now = (): number => Date.now();

export interface LabRunOptions {
  lab: LabFile;
  labFile: string;
  out: string;
  network: 'namespace' | 'loopback';
  keepState: boolean;
  log: (line: string) => void;
}

/** Versions of the client kinds the lab uses; a missing client is an InputError naming its package. */
export function probeClients(lab: LabFile): Partial<Record<ClientKindName, string>> {
  const out: Partial<Record<ClientKindName, string>> = {};
  for (const kind of new Set(lab.groups.map((g) => g.kind))) {
    const d = DRIVERS[kind];
    const p = d.probe();
    if (!p.ok) throw new InputError(`lab: ${p.problem}; install it with: ${d.installHint}`);
    out[kind] = p.version;
  }
  return out;
}

export async function runLab(o: LabRunOptions): Promise<number> {
  const versions = probeClients(o.lab);
  const out = resolve(o.out);
  for (const d of ['logs', 'state', 'torrent', 'lab.json']) rmSync(join(out, d), { recursive: true, force: true });
  const logDir = join(out, 'logs');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(join(out, 'torrent'), { recursive: true });
  const prefix = o.network === 'namespace' ? NS_PREFIX : LOOPBACK_PREFIX;
  const trackerHost = `${prefix}1`;
  const trackerLog = join(logDir, 'tracker.jsonl');
  writeFileSync(trackerLog, '');
  const tracker: Server = await startTracker({
    host: trackerHost,
    port: o.network === 'namespace' ? 6969 : 0,
    interval: o.lab.tracker.interval,
    numwant: o.lab.tracker.numwant,
    log: trackerLog,
    now,
  });
  const trackerPort = (tracker.address() as { port: number }).port;
  const trackerUrl = `http://${trackerHost}:${trackerPort}/announce`;
  const t = o.lab.torrent;
  const torrent = makeTorrent({ name: t.name, size: t.size, pieceLength: t.piece_length, announce: trackerUrl, private: t.private });
  const torrentFile = join(out, 'torrent', 'lab.torrent');
  writeFileSync(torrentFile, torrent.metainfo);
  const contentFile = join(out, 'state', 'content', t.name);
  mkdirSync(join(out, 'state', 'content'), { recursive: true });
  writeFileSync(contentFile, torrent.content);
  const ctx: LabContext = { torrentFile, contentFile, torrentName: t.name, trackerUrl, logDir };

  const clients = assignClients(o.lab, prefix, out);
  const launches: Launch[] = [];
  for (const kind of Object.keys(DRIVERS) as ClientKindName[]) {
    const mine = clients.filter((c) => c.kind === kind);
    if (mine.length === 0) continue;
    for (const c of mine) writeFileSync(join(logDir, `${c.id}.settings.json`), JSON.stringify(DRIVERS[kind].settings(c, ctx), null, 2) + '\n');
    launches.push(...DRIVERS[kind].prepare(mine, ctx));
  }

  const procs = new ProcessSet(clients.length + 2, now);
  let status: 'ok' | 'interrupted' | 'failed' = 'ok';
  let problem = '';
  const onSignal = (): void => {
    if (status === 'ok') status = 'interrupted';
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const t0 = now();
  const end = t0 + o.lab.duration * 1000;
  o.log(`lab ${o.lab.name}: ${clients.length} clients on ${prefix}2…, tracker ${trackerUrl}, ${o.lab.duration} s of real time`);
  const pending = [...launches].sort((a, b) => a.startAfter - b.startAfter);
  try {
    while (now() < end && status === 'ok') {
      while (pending.length > 0 && now() >= t0 + pending[0]!.startAfter * 1000) {
        const l = pending.shift()!;
        procs.start(l.clients.map((c) => c.id).join(','), l.command, l.args, l.env, l.stdout, l.stderr);
      }
      const died = procs.started.find((s) => s.exit !== null);
      if (died) {
        status = 'failed';
        problem = `client process ${died.name} (pid ${died.pid}) ended early: exit ${died.exit!.code ?? died.exit!.signal}`;
        break;
      }
      await sleep(100);
    }
  } catch (e) {
    status = 'failed';
    problem = String((e as Error).message ?? e);
  } finally {
    await procs.stopAll(o.lab.grace * 1000);
    await new Promise<void>((r) => tracker.close(() => r()));
    tracker.closeAllConnections();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const tEnd = now();

  const peerIds = peerIdsFromTracker(trackerLog);
  const rel = (p: string): string => relative(out, p);
  const manifest = {
    swarmsim: VERSION,
    lab: o.lab.name,
    lab_file: o.labFile,
    status,
    ...(problem ? { problem } : {}),
    network: o.network,
    start_ms: t0,
    started_at: new Date(t0).toISOString(),
    // Transmission writes local time without a zone: ingest needs the offset (minutes, as getTimezoneOffset).
    tz_offset_min: new Date(t0).getTimezoneOffset(),
    end_ms: tEnd,
    duration_s: o.lab.duration,
    tracker: { address: trackerHost, url: trackerUrl, log: rel(trackerLog) },
    torrent: { name: t.name, size: t.size, piece_length: t.piece_length, private: t.private, info_hash: torrent.infoHash.toString('hex'), file: rel(torrentFile) },
    clients: clients.map((c) => ({
      id: c.id,
      group: c.group,
      kind: c.kind,
      version: versions[c.kind] ?? 'unknown',
      role: c.role,
      subject: c.subject,
      address: c.address,
      port: c.port,
      start_after: c.startAfter,
      peer_id: peerIds.get(`${c.address}:${c.port}`) ?? null,
      logs: c.logs.map(rel),
      settings: rel(join(logDir, `${c.id}.settings.json`)),
    })),
    processes: procs.started.map((s) => ({ name: s.name, pid: s.pid, exit: s.exit })),
  };
  writeFileAtomic(join(out, 'lab.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (!o.keepState) rmSync(join(out, 'state'), { recursive: true, force: true });
  o.log(`lab ${o.lab.name}: ${status}${problem ? ` (${problem})` : ''}; logs in ${rel(logDir)}/, lab.json written`);
  if (status === 'failed') throw new InputError(`lab: ${problem}; see ${join(out, 'logs')}`);
  return status === 'ok' ? 0 : 130;
}

/** "ip:port" → peer id (hex) from the tracker's announce log: how the lab learns the clients' peer ids. */
export function peerIdsFromTracker(file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as { ip: string; port: number; peer_id: string };
      out.set(`${r.ip}:${r.port}`, r.peer_id);
    } catch {
      // the tracker writes whole lines; a torn last line after a kill is possible
    }
  }
  return out;
}
