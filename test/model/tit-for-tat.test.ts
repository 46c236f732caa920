import { describe, expect, it } from 'vitest';
import { Connection } from '../../sim/model/connection.js';
import type { Peer } from '../../sim/model/peer.js';
import { addBytes, score } from '../../sim/model/transfers.js';

/**
 * The rechoke ranks interested peers by what moved in the uploader's last 10 s window. Windows
 * are opened lazily (the first byte change after a rechoke saves the bytes before it), so these
 * pin the contract: a score is the bytes moved since that end's last rechoke, whatever the other
 * end's rechokes do.
 */
function link(): { a: Peer & { rechokes: number }; b: Peer & { rechokes: number }; c: Connection } {
  const a = { rechokes: 0 } as Peer & { rechokes: number };
  const b = { rechokes: 0 } as Peer & { rechokes: number };
  const c = new Connection(0);
  c.ab.reset(a, b);
  c.ba.reset(b, a);
  return { a, b, c };
}

describe('tit-for-tat windows', () => {
  it('a seed scores a peer by what it sent it since its own last rechoke', () => {
    const { a, c } = link();
    a.rechokes = 1;
    addBytes(c.ab, 100);
    expect(score(c.ab, true, a.rechokes)).toBe(100);
    a.rechokes = 2; // a rechoke: a new window, nothing moved in it yet
    expect(score(c.ab, true, a.rechokes)).toBe(0);
    addBytes(c.ab, 30);
    addBytes(c.ab, 20);
    expect(score(c.ab, true, a.rechokes)).toBe(50);
    expect(c.bytesAB).toBe(150);
  });

  it('a leecher scores a peer by what it received from it, and the far end rechoking changes nothing', () => {
    const { a, b, c } = link();
    a.rechokes = 5;
    addBytes(c.ba, 70);
    b.rechokes = 9; // b's own window moves on; a's does not
    addBytes(c.ba, 10);
    expect(score(c.ab, false, a.rechokes)).toBe(80);
    // What a sent counts for b's window on b's side, from b's last rechoke only.
    addBytes(c.ab, 40);
    b.rechokes = 10;
    addBytes(c.ab, 5);
    expect(score(c.ba, false, b.rechokes)).toBe(5);
    expect(score(c.ab, true, a.rechokes)).toBe(45);
  });

  it('a link opened mid-window counts from zero', () => {
    const { a, c } = link();
    a.rechokes = 3;
    expect(score(c.ab, true, a.rechokes)).toBe(0);
    addBytes(c.ab, 12);
    expect(score(c.ab, true, a.rechokes)).toBe(12);
  });
});
