/**
 * Protocol bytes a connection costs before any piece moves, counted for `overhead_bytes`
 * (both directions). Sizes from the wire formats: TCP segments with 40-byte IPv4+TCP headers,
 * MSE (BEP 8 draft: 96-byte DH keys plus up to 512 bytes of padding each way, mean 256),
 * the 68-byte BitTorrent handshake, a ~150-byte LTEP handshake, and the bitfield.
 */
const TCP_HEADER = 40;
/** SYN, SYN-ACK, ACK, then FIN/ACK both ways. */
const TCP_OPEN_CLOSE = 7 * TCP_HEADER;
const MSE_BYTES = 2 * (96 + 256) + 2 * (8 + 4 + 2 + 2) + 4 * TCP_HEADER;
const BT_HANDSHAKE = 2 * (68 + TCP_HEADER);
const LTEP_HANDSHAKE = 2 * (150 + TCP_HEADER);

/** Bytes of one bitfield message for `pieces` pieces (a seed may send have-all instead: 5 bytes). */
export function bitfieldBytes(pieces: number): number {
  return 5 + Math.ceil(pieces / 8) + TCP_HEADER;
}

export function handshakeOverheadBytes(encryption: boolean, pieces: number, aSeed: boolean, bSeed: boolean): number {
  const bf = (seed: boolean) => (seed ? 5 + TCP_HEADER : bitfieldBytes(pieces));
  return TCP_OPEN_CLOSE + (encryption ? MSE_BYTES : 0) + BT_HANDSHAKE + LTEP_HANDSHAKE + bf(aSeed) + bf(bSeed);
}
