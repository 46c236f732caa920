/** Hand-written findings under each lab's tables in docs/real-clients.md (what differs and why). */
export const REAL_CLIENT_NOTES: ReadonlyMap<string, readonly string[]> = new Map([
  ['seeds-libtorrent', ['(notes to come)']],
]);
