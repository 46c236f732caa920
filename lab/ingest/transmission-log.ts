import { LineTally, matchedLines, type LogEvent, type LogParser, type ParseContext } from './events.js';

/**
 * Transmission 3.00's deep log (TR_DEBUG_FD=2 or message-level 3 on stderr):
 * `[YYYY-MM-DD HH:MM:SS.mmm] <message> (<file>.c:<line>)`, local time without a zone.
 *
 * Connections: `Starting an OUTGOING connection with [A]:P` (attempt), `new incoming connection
 * FD ([A]:P)`, `[A]:P handling canRead` (TCP up), `[A]:P handshakeDone: connected|aborting`,
 * `sending block i:o->len` / `got block i:o->len` (pieces), and the close:
 * `incremented atom [A]:P numFails to N` (closed with no piece data) or `resetting atom … to 0`,
 * then `removing bad peer [A]:P`. The close names the peer's listening address (the atom), the
 * other lines the socket's, so the close is matched by IP: the lab gives every client its own.
 * A seed-to-seed close writes no reason line; it is inferred from `marking peer … as a seed`.
 */

const LINE = /^\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})\] (.*) \(([\w-]+\.c):\d+\)$/;
const ADDR = String.raw`\[(\d+\.\d+\.\d+\.\d+)\]:(\d+)`;
const RE = {
  attempt: new RegExp(String.raw`Starting an OUTGOING (?:µTP )?connection with ${ADDR}$`),
  incoming: new RegExp(String.raw`^new incoming connection \d+ \(${ADDR}\)$`),
  canRead: new RegExp(String.raw`^${ADDR} handling canRead`),
  handshake: new RegExp(String.raw`^${ADDR} handshakeDone: (connected|aborting)$`),
  seedSeed: new RegExp(String.raw`^${ADDR} another seed tried to reconnect to us!$`),
  plaintext: new RegExp(String.raw`^${ADDR} handshake failed, trying plaintext\.\.\.$`),
  peerId: new RegExp(String.raw`^${ADDR} peer-id is \[(.*)\]`),
  sent: new RegExp(String.raw` - ${ADDR} \[.*\]: sending block \d+:\d+->(\d+)$`),
  got: new RegExp(String.raw` - ${ADDR} \[.*\]: got block \d+:\d+->(\d+)$`),
  purge: new RegExp(String.raw`setting ${ADDR} doPurge flag because (.*)$`),
  fails: new RegExp(String.raw`(incremented|resetting) atom ${ADDR} numFails to (\d+)$`),
  remove: new RegExp(String.raw`removing bad peer ${ADDR}$`),
  seed: new RegExp(String.raw`marking peer ${ADDR} as a seed$`),
  complete: /State changed from "Incomplete" to "Complete"|changed from "Incomplete" to "Complete"/,
};

interface Open {
  conn: string;
  ip: string;
  dir: 'out' | 'in';
  connected: boolean;
  handshaked: boolean;
  seedSeed: boolean;
}

export function transmissionTime(m: RegExpExecArray, tzOffsetMin: number): number {
  const utc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!);
  return utc / 1000 + tzOffsetMin * 60;
}

export const transmissionParser: LogParser = {
  format: 'transmission-3.00-deep-log',
  client: 'transmission',
  detect: (head) => head.some((l) => LINE.test(l)),
  parse(text: string, ctx: ParseContext) {
    const tally = new LineTally();
    const ev = tally.events;
    const byIo = new Map<string, Open>();
    const remoteSeed = new Set<string>();
    const purged = new Map<string, string>();
    let n = 0;
    let weAreSeed = ctx.seed;
    const push = (e: Omit<LogEvent, 'subject'>): void => {
      ev.push({ subject: ctx.subject, ...e });
    };
    const openByIp = (ip: string): Open | undefined => {
      for (const o of byIo.values()) if (o.ip === ip && o.handshaked) return o;
      return undefined;
    };
    const forget = (o: Open): void => {
      for (const [k, v] of byIo) if (v === o) byIo.delete(k);
    };
    let started = false;
    for (const m of matchedLines(text, LINE, tally)) {
      const t = transmissionTime(m, ctx.tzOffsetMin);
      if (!started) {
        started = true;
        push({ t, type: 'online' });
      }
      const msg = m[8]!;
      let r: RegExpExecArray | null;
      if ((r = RE.attempt.exec(msg))) {
        const o: Open = { conn: `${ctx.subject}#${++n}`, ip: r[1]!, dir: 'out', connected: false, handshaked: false, seedSeed: false };
        byIo.set(`${r[1]}:${r[2]}`, o);
        push({ t, type: 'attempt', conn: o.conn, remote: o.ip, dir: 'out' });
      } else if ((r = RE.incoming.exec(msg))) {
        const o: Open = { conn: `${ctx.subject}#${++n}`, ip: r[1]!, dir: 'in', connected: true, handshaked: false, seedSeed: false };
        byIo.set(`${r[1]}:${r[2]}`, o);
        push({ t, type: 'connected', conn: o.conn, remote: o.ip, dir: 'in' });
      } else if ((r = RE.canRead.exec(msg))) {
        const o = byIo.get(`${r[1]}:${r[2]}`);
        if (o && !o.connected) {
          o.connected = true;
          push({ t, type: 'connected', conn: o.conn, remote: o.ip, dir: o.dir });
        }
        if (o) tally.used++;
        else tally.ignored++;
        continue;
      } else if ((r = RE.plaintext.exec(msg))) {
        // The encrypted handshake failed: that TCP connection is over and a second one, in
        // plaintext, starts within the same attempt (the far end sees two connections).
        const key = `${r[1]}:${r[2]}`;
        const o = byIo.get(key);
        if (!o) {
          tally.ignored++;
          continue;
        }
        push({ t, type: 'handshake_failed', conn: o.conn, remote: o.ip, dir: o.dir, reason: 'encrypted handshake failed', closeReason: 'peer_left', byUs: false });
        const again: Open = { conn: `${ctx.subject}#${++n}`, ip: o.ip, dir: o.dir, connected: false, handshaked: false, seedSeed: false };
        byIo.set(key, again);
        push({ t, type: 'attempt', conn: again.conn, remote: again.ip, dir: again.dir });
      } else if ((r = RE.seedSeed.exec(msg))) {
        const o = byIo.get(`${r[1]}:${r[2]}`);
        if (o) o.seedSeed = true;
      } else if ((r = RE.handshake.exec(msg))) {
        const o = byIo.get(`${r[1]}:${r[2]}`);
        if (!o) {
          tally.ignored++;
          continue;
        }
        if (r[3] === 'connected') {
          o.handshaked = true;
          o.connected = true;
          push({ t, type: 'handshake', conn: o.conn, remote: o.ip, dir: o.dir });
        } else {
          if (o.connected) push({ t, type: 'handshake_failed', conn: o.conn, remote: o.ip, dir: o.dir, reason: o.seedSeed ? 'another seed tried to reconnect to us' : 'handshake aborted', closeReason: o.seedSeed ? 'seed_seed' : 'dropped', byUs: true });
          else push({ t, type: 'connect_failed', conn: o.conn, remote: o.ip, dir: o.dir, reason: 'handshake aborted before any data', failure: 'refused' });
          forget(o);
        }
      } else if (RE.peerId.test(msg)) {
        // who the peer is: lab.json says so by address
      } else if ((r = RE.sent.exec(msg)) || (r = RE.got.exec(msg))) {
        const up = RE.sent.test(msg);
        const o = byIo.get(`${r[1]}:${r[2]}`) ?? openByIp(r[1]!);
        if (o) push({ t, type: 'piece', conn: o.conn, remote: o.ip, dir: o.dir, bytes: Number(r[3]), up });
        else tally.ignored++;
        if (!o) continue;
      } else if ((r = RE.seed.exec(msg))) {
        remoteSeed.add(r[1]!);
      } else if ((r = RE.purge.exec(msg))) {
        purged.set(r[1]!, r[3]!);
      } else if (RE.fails.test(msg)) {
        // the numFails bookkeeping of the close that follows (`removing bad peer`)
      } else if ((r = RE.remove.exec(msg))) {
        const ip = r[1]!;
        const o = openByIp(ip);
        if (!o) {
          tally.ignored++;
          continue;
        }
        const why = purged.get(ip);
        purged.delete(ip);
        if (why !== undefined) push({ t, type: 'close', conn: o.conn, remote: ip, dir: o.dir, reason: why, closeReason: 'peer_left', byUs: false });
        else if (weAreSeed && remoteSeed.has(ip)) push({ t, type: 'close', conn: o.conn, remote: ip, dir: o.dir, reason: 'both seeds (no reason line)', closeReason: 'seed_seed', byUs: true });
        else push({ t, type: 'close', conn: o.conn, remote: ip, dir: o.dir, reason: 'closed (no reason line)', closeReason: 'idle', byUs: true });
        forget(o);
      } else if (RE.complete.test(msg)) {
        if (!weAreSeed) push({ t, type: 'completed' });
        weAreSeed = true;
      } else {
        tally.ignored++;
        continue;
      }
      tally.used++;
    }
    return tally.result(this.format);
  },
};
