import { LineTally, splitLines, type LogEvent, type LogParser, type ParseContext } from './events.js';

/**
 * WebTorrent connection events as lab/clients/webtorrent-peer.mjs writes them: one JSON object
 * per line, `{t: <unix ms>, ev, conn, remote, …}`, ev one of attempt, connected, connect_failed,
 * incoming, handshake, piece, close, started, done, stopping (and error/warning, ignored).
 */

interface Raw {
  t?: number;
  ev?: string;
  conn?: number;
  remote?: string;
  dir?: string;
  bytes?: number;
  by?: string;
  reason?: string;
  peer_id?: string;
}

const KNOWN = new Set(['attempt', 'connected', 'connect_failed', 'incoming', 'handshake', 'piece', 'close', 'started', 'done', 'stopping', 'error', 'warning']);

export function webtorrentParser(trackerHost: string | null): LogParser {
  return {
    format: 'webtorrent-lab-events',
    client: 'webtorrent',
    detect: (head) => head.some((l) => /^\{"t":\d+,"ev":"[a-z_]+"/.test(l)),
    parse(text: string, ctx: ParseContext) {
      const tally = new LineTally();
      const conns = new Map<number, { conn: string; ip: string; dir: 'out' | 'in'; handshaked: boolean; connected: boolean }>();
      const push = (e: Omit<LogEvent, 'subject'>): void => {
        tally.events.push({ subject: ctx.subject, ...e });
      };
      let online = false;
      for (const line of splitLines(text)) {
        tally.lines++;
        let r: Raw;
        try {
          r = JSON.parse(line) as Raw;
        } catch {
          tally.unparsedLine(line);
          continue;
        }
        if (typeof r.t !== 'number' || typeof r.ev !== 'string' || !KNOWN.has(r.ev)) {
          tally.unparsedLine(line);
          continue;
        }
        const t = r.t / 1000;
        const c = r.conn !== undefined ? conns.get(r.conn) : undefined;
        const ip = r.remote?.replace(/:\d+$/, '');
        if (r.ev === 'attempt' || r.ev === 'incoming') {
          if (ip === undefined || r.conn === undefined || ip === trackerHost) {
            tally.ignored++;
            continue;
          }
          const dir = r.ev === 'attempt' ? 'out' : 'in';
          const o = { conn: `${ctx.subject}#${r.conn}`, ip, dir: dir as 'out' | 'in', handshaked: false, connected: dir === 'in' };
          conns.set(r.conn, o);
          push({ t, type: dir === 'out' ? 'attempt' : 'connected', conn: o.conn, remote: ip, dir });
        } else if (r.ev === 'started' || r.ev === 'done') {
          if (!online) push({ t, type: 'online' });
          online = true;
          if (r.ev === 'done' && !ctx.seed) push({ t, type: 'completed' });
        } else if (r.ev === 'stopping') push({ t, type: 'offline' });
        else if (!c) {
          // tracker sockets, or events of a connection the log did not see start
          tally.ignored++;
          continue;
        } else if (r.ev === 'connected') {
          c.connected = true;
          push({ t, type: 'connected', conn: c.conn, remote: c.ip, dir: c.dir });
        } else if (r.ev === 'connect_failed') {
          push({ t, type: 'connect_failed', conn: c.conn, remote: c.ip, dir: c.dir, reason: r.reason ?? '', failure: r.reason === 'ETIMEDOUT' ? 'timeout' : 'refused' });
        } else if (r.ev === 'handshake') {
          c.handshaked = true;
          push({ t, type: 'handshake', conn: c.conn, remote: c.ip, dir: c.dir });
        } else if (r.ev === 'piece') {
          push({ t, type: 'piece', conn: c.conn, remote: c.ip, dir: c.dir, bytes: r.bytes ?? 0, up: r.dir === 'up' });
        } else if (r.ev === 'close') {
          const byUs = r.by !== 'remote';
          const reason = r.reason ?? '';
          if (c.handshaked) push({ t, type: 'close', conn: c.conn, remote: c.ip, dir: c.dir, reason, closeReason: byUs ? 'idle' : 'peer_left', byUs });
          else push({ t, type: 'handshake_failed', conn: c.conn, remote: c.ip, dir: c.dir, reason, closeReason: 'dropped', byUs });
          conns.delete(r.conn!);
        } else {
          tally.ignored++;
          continue;
        }
        tally.used++;
      }
      return tally.result(this.format);
    },
  };
}
