import { describe, expect, it } from 'vitest';
import { runFile, traceRows } from './run-helpers.js';

/**
 * A subject seed and one remote that closes every connection right after the handshake, over one
 * simulated hour: the subject's dial times must follow the reference schedules
 * (shared/reference/transmission.md §9 anchors, validation.md §7).
 */
const FILE = 'test/fixtures/two-peer.yaml';
const PULSE = 0.5;

function dials(policy: string) {
  const rows = traceRows(runFile(FILE, policy)).filter((r) => r.from === 0);
  return rows.sort((x, y) => Number(x.t_dial) - Number(y.t_dial));
}

describe('two peers: a remote that drops every connection after the handshake', () => {
  it('transmission-4.1 waits 10, 120, 900, 1800 s after each close (5 dials in the hour)', () => {
    const rows = dials('transmission-4.1');
    expect(rows.map((r) => r.outcome)).toEqual(['wasted', 'wasted', 'wasted', 'wasted', 'wasted']);
    expect(rows.every((r) => r.close_reason === 'dropped' && r.closed_by === 'to')).toBe(true);
    const waits = [10, 120, 900, 1800];
    for (let i = 1; i < rows.length; i++) {
      // Transmission keeps whole seconds: eligible at floor(close) + wait, dialled on the next pulse.
      const eligible = Math.floor(Number(rows[i - 1]!.t_close)) + waits[i - 1]!;
      const dial = Number(rows[i]!.t_dial);
      expect(dial).toBeGreaterThanOrEqual(eligible);
      expect(dial).toBeLessThan(eligible + PULSE);
    }
    // The next wait (3600 s) ends after the horizon.
    expect(Number(rows[4]!.t_close) + 3600).toBeGreaterThan(3600);
  });

  it('transmission-main-2023 re-dials on every pulse once the connection has closed (#6910)', () => {
    const rows = dials('transmission-main-2023');
    for (let i = 1; i < rows.length; i++) {
      const gap = Number(rows[i]!.t_dial) - Number(rows[i - 1]!.t_close);
      expect(gap).toBeGreaterThan(0);
      expect(gap).toBeLessThanOrEqual(PULSE + 1e-9);
    }
    // Each cycle (dial, TCP, encrypted handshake, close) fits in one 0.5 s pulse here: 7200 dials.
    expect(rows.length).toBeGreaterThanOrEqual(7199);
    expect(rows.length).toBeLessThanOrEqual(7200);
  });

  it('naive has no memory either: a dial on every pulse', () => {
    const rows = dials('naive');
    expect(rows.length).toBeGreaterThanOrEqual(7199);
  });
});
