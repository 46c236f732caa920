/** Bencoding (BEP 3), enough for metainfo files and tracker responses. */
export type BValue = number | string | Uint8Array | BValue[] | { [key: string]: BValue };

export function bencode(v: BValue): Buffer {
  const parts: Buffer[] = [];
  const put = (x: BValue): void => {
    if (typeof x === 'number') {
      if (!Number.isInteger(x)) throw new Error(`bencode: ${x} is not an integer`);
      parts.push(Buffer.from(`i${x}e`));
    } else if (typeof x === 'string' || x instanceof Uint8Array) {
      const b = typeof x === 'string' ? Buffer.from(x, 'utf8') : Buffer.from(x);
      parts.push(Buffer.from(`${b.length}:`), b);
    } else if (Array.isArray(x)) {
      parts.push(Buffer.from('l'));
      x.forEach(put);
      parts.push(Buffer.from('e'));
    } else {
      parts.push(Buffer.from('d'));
      // Keys sorted as raw byte strings (BEP 3).
      for (const k of Object.keys(x).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
        put(k);
        put(x[k]!);
      }
      parts.push(Buffer.from('e'));
    }
  };
  put(v);
  return Buffer.concat(parts);
}

/** Decodes one value; byte strings come back as Buffers. Throws on malformed input. */
export function bdecode(buf: Uint8Array): BValue {
  const b = Buffer.from(buf);
  let i = 0;
  const read = (): BValue => {
    const c = b[i];
    if (c === 0x69) {
      const end = b.indexOf(0x65, i);
      if (end < 0) throw new Error('bdecode: unterminated integer');
      const n = Number(b.subarray(i + 1, end).toString());
      i = end + 1;
      return n;
    }
    if (c === 0x6c || c === 0x64) {
      i++;
      const list: BValue[] = [];
      const dict: Record<string, BValue> = {};
      while (b[i] !== 0x65) {
        if (i >= b.length) throw new Error('bdecode: unterminated list or dictionary');
        if (c === 0x6c) list.push(read());
        else {
          const k = read();
          dict[Buffer.from(k as Uint8Array).toString('latin1')] = read();
        }
      }
      i++;
      return c === 0x6c ? list : dict;
    }
    const colon = b.indexOf(0x3a, i);
    if (colon < 0 || c === undefined || c < 0x30 || c > 0x39) throw new Error(`bdecode: unexpected byte at ${i}`);
    const len = Number(b.subarray(i, colon).toString());
    const s = b.subarray(colon + 1, colon + 1 + len);
    i = colon + 1 + len;
    return s;
  };
  return read();
}
