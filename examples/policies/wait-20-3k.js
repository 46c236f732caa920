// wait-20-3k.js: a reconnect policy said as its rule. After k fruitless connections in a row
// (handshake, then a close with no piece data), wait 20·3^k seconds before dialling the peer
// again; once we hold every piece, leave a peer we know to be a seed alone for 6 hours.
//
//   npx swarmsim run scenarios/seed-heavy.yaml --policy ./examples/policies/wait-20-3k.js
//   npx swarmsim explain ./examples/policies/wait-20-3k.js:base=10
//
// swarmsim keeps each known peer's history (see docs/policies.md: attempts, failures, fruitless,
// lastActive, seed, …), dials the eligible peers least recently tried first, 9 per pulse, and
// sleeps until the next one is due. A rule only says when a peer is due.
import { definePolicy } from 'swarmsim';

export default definePolicy({
  name: 'wait-20-3k',
  description: 'Wait 20·3^k s after k fruitless connections; 6 h for known seeds once done',
  params: {
    base: { default: 20, min: 0, description: 'wait (s) before any fruitless connection' },
    growth: { default: 3, min: 1, description: 'wait multiplier per fruitless connection' },
    seedWait: { default: 6 * 3600, min: 0, description: 'wait (s) for a known seed once done' },
  },

  // lastActive: the later of our last dial and the end of the last attempt or connection
  // (−∞ for a peer never tried, who is therefore due at once).
  eligibleAt(peer, host, { base, growth, seedWait }) {
    if (host.done && peer.seed) return peer.lastSeen + seedWait;
    return peer.lastActive + base * growth ** peer.fruitless;
  },
});
