import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bdecode, bencode } from '../../lab/torrent/bencode.js';
import { makeTorrent } from '../../lab/torrent/make-torrent.js';
import { queryBytes, startTracker } from '../../lab/tracker/http-tracker.js';

describe('lab torrent', () => {
  it('bencodes with sorted keys and decodes back', () => {
    expect(bencode({ b: 1, a: ['x', 2] }).toString()).toBe('d1:al1:xi2ee1:bi1ee');
    const back = bdecode(bencode({ n: 42, s: 'hi', l: [1, 2] })) as Record<string, unknown>;
    expect(back.n).toBe(42);
    expect(Buffer.from(back.s as Uint8Array).toString()).toBe('hi');
    expect(() => bdecode(Buffer.from('i12'))).toThrow(/unterminated/);
  });
  it('makes the same torrent for the same size, with one SHA-1 per piece and the private flag', () => {
    const a = makeTorrent({ name: 'lab.bin', size: 40000, pieceLength: 16384, announce: 'http://198.18.0.1:6969/announce', private: true });
    const b = makeTorrent({ name: 'lab.bin', size: 40000, pieceLength: 16384, announce: 'http://198.18.0.1:6969/announce', private: true });
    expect(a.infoHash.equals(b.infoHash)).toBe(true);
    const meta = bdecode(a.metainfo) as Record<string, Record<string, unknown>>;
    expect((meta.info!.pieces as Uint8Array).length).toBe(3 * 20);
    expect(meta.info!.private).toBe(1);
    const open = makeTorrent({ name: 'lab.bin', size: 40000, pieceLength: 16384, announce: 'x', private: false });
    expect(open.infoHash.equals(a.infoHash)).toBe(false);
  });
});

describe('lab tracker', () => {
  it('decodes binary query values', () => {
    expect([...queryBytes('info_hash=%00%f9A&port=1')!.get('info_hash')!]).toEqual([0, 0xf9, 0x41]);
  });
  it('answers an announce with the compact list of the other peers and logs it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swarmsim-tracker-'));
    const log = join(dir, 'tracker.jsonl');
    const server = await startTracker({ host: '127.0.0.1', port: 0, interval: 60, numwant: 50, log, now: () => 1000 });
    const port = (server.address() as { port: number }).port;
    const announce = (peer: string, p: number, left: number): Promise<Buffer> =>
      new Promise((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: `/announce?info_hash=%01&peer_id=${peer}&port=${p}&left=${left}&ip=198.18.0.${p - 51000}` }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => resolve(Buffer.concat(parts)));
        })
          .on('error', reject)
          .end();
      });
    try {
      await announce('-LT2080-aaaaaaaaaaaa', 51002, 0);
      const r = bdecode(await announce('-TR3000-bbbbbbbbbbbb', 51003, 100)) as Record<string, unknown>;
      expect(r.interval).toBe(60);
      expect(r.complete).toBe(1);
      expect(r.incomplete).toBe(1);
      expect([...(r.peers as Uint8Array)]).toEqual([198, 18, 0, 2, 51002 >> 8, 51002 & 0xff]);
      const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ip: string; peer_id: string });
      expect(lines.map((l) => l.ip)).toEqual(['198.18.0.2', '198.18.0.3']);
      expect(Buffer.from(lines[0]!.peer_id, 'hex').toString()).toBe('-LT2080-aaaaaaaaaaaa');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
