/**
 * What a watchdog outside the thread sees of a user policy module's calls: a counter of calls
 * begun and the call in progress (index into CALLS + 1, 0 = none), in shared memory. A call that
 * never returns leaves both unchanged, which the watchdog (sim/experiments/watchdog.ts) notices
 * without any clock in the simulation.
 */
export const CALLS = [
  'get()',
  'size()',
  'learn()',
  'eligibleAt()',
  'select()',
  'nextWake()',
  'maintain()',
  'connectTimeout()',
  'onDial()',
  'onConnectFailure()',
  'onIncoming()',
  'onHandshakeFailure()',
  'onHandshake()',
  'onRemoteState()',
  'onPieceData()',
  'onClose()',
  'advertise()',
  'onUtpFailure()',
  'onAbandoned()',
  'create()',
] as const;
export type CallName = (typeof CALLS)[number];

const LOCAL = new Int32Array(2);
let board: Int32Array = LOCAL;

/** Shares the board with a watchdog (a run in a worker); null goes back to a private one. */
export function watchCalls(buffer: SharedArrayBuffer | null): void {
  board = buffer === null ? LOCAL : new Int32Array(buffer);
}

export function callBegins(index: number): void {
  board[0] = (board[0]! + 1) | 0;
  board[1] = index + 1;
}

export function callEnds(): void {
  board[1] = 0;
}
