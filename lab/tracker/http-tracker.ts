import { appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { bencode } from '../torrent/bencode.js';

/**
 * A small HTTP tracker (BEP 3 with the BEP 23 compact peer list), for the lab only: one torrent,
 * peers told apart by peer id, each announced at the address it announced from (or its `ip=`).
 * Every announce is appended to a JSON-lines log.
 */

interface Entry {
  ip: string;
  port: number;
  seed: boolean;
  lastSeen: number;
}

export interface TrackerOptions {
  host: string;
  port: number;
  interval: number;
  numwant: number;
  log: string;
  /** Wall clock in ms (the lab passes Date.now). */
  now: () => number;
}

/** Percent-decoding to raw bytes (info_hash and peer_id are binary). */
export function queryBytes(query: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const raw = eq < 0 ? '' : part.slice(eq + 1).replace(/\+/g, ' ');
    const bytes: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '%' && i + 2 < raw.length + 0 && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
        bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(raw.charCodeAt(i) & 0xff);
    }
    out.set(key, Buffer.from(bytes));
  }
  return out;
}

function compactPeer(ip: string, port: number): Buffer | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const b = Buffer.alloc(6);
  parts.forEach((p, i) => (b[i] = p));
  b.writeUInt16BE(port, 4);
  return b;
}

export function startTracker(opts: TrackerOptions): Promise<Server> {
  const peers = new Map<string, Entry>();
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const params = queryBytes(q < 0 ? '' : url.slice(q + 1));
    const reply = (body: Buffer): void => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
      res.end(body);
    };
    if (path !== '/announce') {
      res.writeHead(404).end();
      return;
    }
    const peerId = params.get('peer_id')?.toString('latin1');
    const port = Number(params.get('port')?.toString() ?? '');
    if (!peerId || !Number.isInteger(port) || port <= 0 || port > 65535) {
      reply(bencode({ 'failure reason': 'missing peer_id or port' }));
      return;
    }
    const from = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const ip = params.get('ip')?.toString() || from;
    const event = params.get('event')?.toString() ?? '';
    const left = Number(params.get('left')?.toString() ?? '1');
    const numwant = Math.min(opts.numwant, Number(params.get('numwant')?.toString() ?? opts.numwant) || opts.numwant);
    const t = opts.now();
    if (event === 'stopped') peers.delete(peerId);
    else peers.set(peerId, { ip, port, seed: left === 0, lastSeen: t });
    const others = [...peers.entries()].filter(([id]) => id !== peerId).slice(0, numwant);
    const list = others.map(([, e]) => compactPeer(e.ip, e.port)).filter((b): b is Buffer => b !== undefined);
    const seeds = [...peers.values()].filter((e) => e.seed).length;
    appendFileSync(opts.log, JSON.stringify({ t, peer_id: Buffer.from(peerId, 'latin1').toString('hex'), from, ip, port, event, left, returned: others.map(([, e]) => `${e.ip}:${e.port}`) }) + '\n');
    reply(bencode({ interval: opts.interval, 'min interval': opts.interval, complete: seeds, incomplete: peers.size - seeds, peers: Buffer.concat(list) }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve(server));
  });
}
