import { describe, expect, it } from 'vitest';
import { LIBTORRENT, TRANSMISSION } from '../../sim/model/client-kind.js';

describe('client kinds: dial budget and idle limit (audit #1, #11)', () => {
  const st = (handshaked: number, sockets: number, done: boolean, steals: boolean) => ({ handshaked, sockets, done, stealsSocketSlots: steals });

  it('Transmission skips only at 50 handshaked peers; pending dials count only against the global 200 sockets', () => {
    expect(TRANSMISSION.dialBudget(st(50, 50, false, true))).toBe(0);
    expect(TRANSMISSION.dialBudget(st(10, 180, false, false))).toBe(20); // 4.0.6 / main: limit_reached always
    expect(TRANSMISSION.dialBudget(st(10, 250, false, true))).toBe(Infinity); // 4.1 downloading steals slots
    expect(TRANSMISSION.dialBudget(st(10, 180, true, true))).toBe(20); // 4.1 done: capped
    expect(TRANSMISSION.dialBudget(st(10, 200, true, true))).toBeLessThanOrEqual(0);
  });

  it('libtorrent counts every connection, half-open included, against its 200', () => {
    expect(LIBTORRENT.dialBudget(st(10, 150, false, true))).toBe(50);
  });

  it('Transmission idle limit: ⌊300 − 240·s⌋ with s from handshaked peers over round(0.9 × 50) = 45', () => {
    expect(TRANSMISSION.idleLimit(0)).toBe(300);
    expect(TRANSMISSION.idleLimit(20)).toBe(193); // 300 − 106.67, truncated as time_t
    expect(TRANSMISSION.idleLimit(45)).toBe(60);
    expect(TRANSMISSION.idleLimit(80)).toBe(60);
  });
});
