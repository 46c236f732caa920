import type { SeenReason } from '../../sim/policies/policy.js';
import { LineTally, matchedLines, type LogEvent, type LogParser, type ParseContext } from './events.js';

/**
 * libtorrent 2.0.8 alerts as lab/clients/libtorrent-sessions.py writes them:
 * `<unix seconds> <alert type> <message>`. peer_log_alert messages read
 * `<torrent> peer [ A:P client: X ] [A:P] <dir> <EVENT> [ text ]` (alert.cpp, 2.0.x).
 *
 * Events: `>>> OPEN` (attempt), `>>> COMPLETED` (TCP up), `<<< INCOMING_CONNECTION`,
 * `<== HANDSHAKE [ connection ready ]`, `<== PIECE` / `==> PIECE [ … l: <hex> … ]`,
 * `*** CONNECTION_CLOSED [ op: N ERROR: (cat:code) message ]`.
 */

const LINE = /^(\d+\.\d+) ([a-z_]+) ?(.*)$/;
const PEER = /peer \[ (\d+\.\d+\.\d+\.\d+):(\d+) client: .*?\] \[[\d.]+:\d+\] (<==|==>|<<<|>>>|\*\*\*) ([A-Z_ ]+?) \[ ?(.*?) ?\]$/;
const PIECE_LEN = /\bl: ([0-9a-f]+)\b/;
const CLOSED = /ERROR: \(([\w.]+):(\d+)\) (.*)$/;

/** libtorrent's close messages → swarmsim's close reasons; `byUs`: this end decided. */
export function libtorrentCloseReason(msg: string): { reason: SeenReason; byUs: boolean } {
  if (/upload to upload connection|torrent finished/.test(msg)) return { reason: 'seed_seed', byUs: true };
  if (/uninteresting upload-only peer|not interested, upload only/.test(msg)) return { reason: 'uninteresting', byUs: true };
  if (/End of file|Connection reset|Broken pipe|closed by remote/i.test(msg)) return { reason: 'peer_left', byUs: false };
  if (/inactivity|timed out/i.test(msg)) return { reason: 'idle', byUs: true };
  if (/duplicate/i.test(msg)) return { reason: 'duplicate', byUs: true };
  if (/too many/i.test(msg)) return { reason: 'too_many_peers', byUs: true };
  if (/Operation canceled|stopping torrent|torrent paused|torrent removed|aborted/i.test(msg)) return { reason: 'local_left', byUs: true };
  if (/banned/i.test(msg)) return { reason: 'banned', byUs: true };
  // An error the model has no rule for: a close with no reason the model knows.
  return { reason: 'dropped', byUs: true };
}

const IGNORED_ALERTS = new Set(['peer_connect_alert', 'peer_disconnected_alert', 'incoming_connection_alert']);

interface Open {
  conn: string;
  ip: string;
  dir: 'out' | 'in';
  connected: boolean;
  handshaked: boolean;
}

export const libtorrentParser: LogParser = {
  format: 'libtorrent-2.0-alerts',
  client: 'libtorrent',
  detect: (head) => head.some((l) => /^\d+\.\d+ [a-z_]+_alert /.test(l) || /^\d+\.\d+ lab_torrent_added /.test(l)),
  parse(text: string, ctx: ParseContext) {
    const tally = new LineTally();
    const byEp = new Map<string, Open>();
    let n = 0;
    const push = (e: Omit<LogEvent, 'subject'>): void => {
      tally.events.push({ subject: ctx.subject, ...e });
    };
    for (const m of matchedLines(text, LINE, tally)) {
      const t = Number(m[1]);
      const type = m[2]!;
      const msg = m[3]!;
      if (type === 'lab_torrent_added') push({ t, type: 'online' });
      else if (type === 'lab_stopping') push({ t, type: 'offline' });
      else if (type === 'torrent_finished_alert') {
        if (!ctx.seed) push({ t, type: 'completed' });
        else tally.ignored++;
        continue;
      } else if (type === 'peer_log_alert') {
        const p = PEER.exec(msg);
        if (!p) {
          tally.unparsedLine(m.input);
          continue;
        }
        const [ip, port, dir, what, detail] = [p[1]!, p[2]!, p[3]!, p[4]!, p[5]!];
        const ep = `${ip}:${port}`;
        const o = byEp.get(ep);
        if (dir === '>>>' && what === 'OPEN') {
          const c: Open = { conn: `${ctx.subject}#${++n}`, ip, dir: 'out', connected: false, handshaked: false };
          byEp.set(ep, c);
          push({ t, type: 'attempt', conn: c.conn, remote: ip, dir: 'out' });
        } else if (dir === '<<<' && what === 'INCOMING_CONNECTION') {
          const c: Open = { conn: `${ctx.subject}#${++n}`, ip, dir: 'in', connected: true, handshaked: false };
          byEp.set(ep, c);
          push({ t, type: 'connected', conn: c.conn, remote: ip, dir: 'in' });
        } else if (o && dir === '>>>' && what === 'COMPLETED') {
          o.connected = true;
          push({ t, type: 'connected', conn: o.conn, remote: ip, dir: o.dir });
        } else if (o && dir === '<==' && what === 'HANDSHAKE' && detail === 'connection ready') {
          o.handshaked = true;
          push({ t, type: 'handshake', conn: o.conn, remote: ip, dir: o.dir });
        } else if (o && what === 'PIECE' && (dir === '<==' || dir === '==>')) {
          const l = PIECE_LEN.exec(detail);
          push({ t, type: 'piece', conn: o.conn, remote: ip, dir: o.dir, bytes: l ? parseInt(l[1]!, 16) : 0, up: dir === '==>' });
        } else if (o && dir === '***' && what === 'CONNECTION_CLOSED') {
          const why = CLOSED.exec(detail)?.[3] ?? detail;
          byEp.delete(ep);
          if (o.handshaked) {
            const r = libtorrentCloseReason(why);
            push({ t, type: 'close', conn: o.conn, remote: ip, dir: o.dir, reason: why, closeReason: r.reason, byUs: r.byUs });
          } else if (o.connected) {
            push({ t, type: 'handshake_failed', conn: o.conn, remote: ip, dir: o.dir, reason: why, closeReason: libtorrentCloseReason(why).reason, byUs: libtorrentCloseReason(why).byUs });
          } else {
            push({ t, type: 'connect_failed', conn: o.conn, remote: ip, dir: o.dir, reason: why, failure: /timed out/i.test(why) ? 'timeout' : 'refused' });
          }
        } else {
          tally.ignored++;
          continue;
        }
      } else if (IGNORED_ALERTS.has(type) || type.endsWith('_alert') || type === 'alert') {
        tally.ignored++;
        continue;
      } else {
        tally.unparsedLine(m.input);
        continue;
      }
      tally.used++;
    }
    return tally.result(this.format);
  },
};
