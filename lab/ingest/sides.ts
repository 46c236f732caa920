import type { SeenReason } from '../../sim/policies/policy.js';
import type { LogEvent } from './events.js';

/** One connection as one end's log saw it. Times are Unix seconds, −1 when not reached. */
export interface SideConn {
  client: string;
  conn: string;
  remote: string;
  dir: 'out' | 'in';
  tDial: number;
  tConnect: number;
  tHandshake: number;
  tClose: number;
  failure: 'refused' | 'timeout' | 'handshake_failed' | null;
  closeReason: SeenReason | '';
  /** null: the log does not say who closed. */
  byUs: boolean | null;
  bytesUp: number;
  bytesDown: number;
}

/** Folds one log's events into its connections, in the order they started. */
export function sidesOf(events: readonly LogEvent[]): SideConn[] {
  const out = new Map<string, SideConn>();
  for (const e of events) {
    if (e.conn === undefined) continue;
    let s = out.get(e.conn);
    if (!s) {
      s = {
        client: e.subject,
        conn: e.conn,
        remote: e.remote ?? '',
        dir: e.dir ?? 'out',
        tDial: e.dir === 'in' ? -1 : e.t,
        tConnect: -1,
        tHandshake: -1,
        tClose: -1,
        failure: null,
        closeReason: '',
        byUs: null,
        bytesUp: 0,
        bytesDown: 0,
      };
      out.set(e.conn, s);
    }
    switch (e.type) {
      case 'connected':
        if (s.tConnect < 0) s.tConnect = e.t;
        break;
      case 'handshake':
        if (s.tHandshake < 0) s.tHandshake = e.t;
        if (s.tConnect < 0) s.tConnect = e.t;
        break;
      case 'piece':
        if (e.up) s.bytesUp += e.bytes ?? 0;
        else s.bytesDown += e.bytes ?? 0;
        break;
      case 'connect_failed':
        s.failure = e.failure ?? 'refused';
        s.tClose = e.t;
        break;
      case 'handshake_failed':
        s.failure = 'handshake_failed';
        if (s.tConnect < 0) s.tConnect = e.t;
        s.tClose = e.t;
        s.closeReason = e.closeReason ?? '';
        s.byUs = e.byUs ?? null;
        break;
      case 'close':
        s.tClose = e.t;
        s.closeReason = e.closeReason ?? '';
        s.byUs = e.byUs ?? null;
        break;
      default:
        break;
    }
  }
  return [...out.values()];
}
