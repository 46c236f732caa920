import { createHash } from 'node:crypto';
import { bencode } from './bencode.js';

/** A single-file torrent made on the fly: its content, its metainfo and its info-hash. */
export interface LabTorrent {
  name: string;
  content: Buffer;
  pieceLength: number;
  metainfo: Buffer;
  infoHash: Buffer;
}

/**
 * Content bytes from a fixed 32-bit xorshift stream, so every lab with the same name and size
 * shares one torrent (and one info-hash).
 */
export function labContent(size: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function makeTorrent(opts: { name: string; size: number; pieceLength: number; announce: string; private: boolean }): LabTorrent {
  const content = labContent(opts.size);
  const hashes: Buffer[] = [];
  for (let off = 0; off < content.length; off += opts.pieceLength) {
    hashes.push(createHash('sha1').update(content.subarray(off, off + opts.pieceLength)).digest());
  }
  // `private: 1` keeps every client from looking for peers anywhere but the tracker (BEP 27).
  const info = { length: content.length, name: opts.name, 'piece length': opts.pieceLength, pieces: Buffer.concat(hashes), ...(opts.private ? { private: 1 } : {}) };
  const infoBytes = bencode(info);
  const metainfo = bencode({ announce: opts.announce, 'created by': 'swarmsim lab', 'creation date': 0, info });
  return { name: opts.name, content, pieceLength: opts.pieceLength, metainfo, infoHash: createHash('sha1').update(infoBytes).digest() };
}
