// gentle-backoff.js: an example reconnect policy for swarmsim written against the full seam, for
// policies that keep their own storage. A policy that is only a rule over the history swarmsim
// keeps of each peer is far shorter with definePolicy: see wait-20-3k.js. Copy, change, run:
//
//   npx swarmsim run scenarios/seed-heavy.yaml --policy ./examples/policies/gentle-backoff.js
//   npx swarmsim run scenarios/seed-heavy.yaml --policy ./my-policy.js:base=10,cap=600
//   npx swarmsim explain ./examples/policies/gentle-backoff.js
//
// A policy module exports a *factory* (default export, or a named export `policy`):
// { name, description, params, create(params) }. swarmsim calls create() once per simulated
// client running the policy; the object it returns keeps that client's memory of the peers it
// knows and answers two questions: which peers to dial now (select) and when a peer may be dialled
// again (eligibleAt). Everything else is the host telling it what happened (the on… calls).
// See docs/policies.md for the full interface and the order of calls.
//
// This one: after a connection that moved no piece data, or a failed attempt, wait
// base × 2^(n−1) seconds (capped), n = unproductive attempts in a row; piece data resets n.
// A client that is already done waits `cap` before re-dialling a peer it has seen as a seed,
// so a seed-to-seed link is retried rarely instead of every pulse.
//
// Rules the host checks at every call (a broken answer stops the run with a message naming this
// file): times are numbers (Infinity = never, never NaN); select() writes at most `budget` ids,
// each a peer you know, not in use, not banned, not twice. No Math.random / Date.now: use
// host.rng (a seeded stream) so runs are reproducible.

/** Per-peer record. The host reads `remote`, `inUse` and `banned`; keep the PeerInfo fields. */
class Record {
  constructor(remote, source, now) {
    this.remote = remote;
    this.learnedAt = now;
    this.sources = 1 << source;
    this.fromBest = source;
    this.inUse = false;
    this.banned = false;
    this.attemptedAt = 0;
    this.changedAt = 0;
    this.pieceDataAt = 0;
    this.seed = false;
    this.uploadOnly = false;
    this.connectable = undefined;
    // Our own fields:
    this.conns = 0; // open connections (an incoming and an outgoing one can overlap)
    this.unproductive = 0; // failures or data-less connections in a row
    this.endedAt = -Infinity; // when the last attempt or connection ended
    this.dialled = false;
  }
}

class GentleBackoff {
  constructor(params) {
    this.base = params.base;
    this.cap = params.cap;
    this.name = 'gentle-backoff';
    this.peers = new Map(); // remote id → Record
    this.list = []; // the same records, for fast iteration
  }

  get(remote) {
    return this.peers.get(remote);
  }

  size() {
    return this.list.length;
  }

  // A tracker, PEX, DHT or an incoming connection tells us of a peer.
  learn(remote, source, flags, now) {
    let r = this.peers.get(remote);
    if (r === undefined) {
      r = new Record(remote, source, now);
      this.peers.set(remote, r);
      this.list.push(r);
    } else {
      r.sources |= 1 << source;
      r.fromBest = Math.min(r.fromBest, source);
    }
    if (flags.seed) r.seed = true;
    return r;
  }

  wait(r) {
    if (r.unproductive === 0) return 0;
    return Math.min(this.cap, this.base * 2 ** (r.unproductive - 1));
  }

  // The rule select() applies, also used by `swarmsim explain`.
  eligibleAt(r, host) {
    if (r.banned) return Infinity;
    if (!r.dialled) return r.learnedAt;
    const from = Math.max(r.attemptedAt, r.endedAt);
    if (host.done && r.seed) return from + this.cap;
    return from + this.wait(r);
  }

  // Called on every pulse with a budget of free connection slots. Write ids into `out`.
  select(host, budget, out) {
    const max = Math.min(budget, 9);
    let n = 0;
    // Least recently attempted first: a simple insertion into the first `max` slots.
    const picked = [];
    for (const r of this.list) {
      if (r.conns > 0 || r.banned || this.eligibleAt(r, host) > host.now) continue;
      const key = r.dialled ? r.attemptedAt : -1;
      let i = picked.length;
      while (i > 0 && picked[i - 1].key > key) i--;
      if (i < max) {
        picked.splice(i, 0, { key, r });
        if (picked.length > max) picked.pop();
      }
    }
    for (const p of picked) out[n++] = p.r.remote;
    return n;
  }

  // Optional: when select() could next return something. Lets the host sleep.
  nextWake(host) {
    let t = Infinity;
    for (const r of this.list) if (r.conns === 0 && !r.banned) t = Math.min(t, this.eligibleAt(r, host));
    return t;
  }

  onDial(r, now) {
    r.conns++;
    r.inUse = true;
    r.dialled = true;
    r.attemptedAt = now;
  }

  onIncoming(r) {
    r.conns++;
    r.inUse = true;
  }

  ended(r, now, productive) {
    r.conns = Math.max(0, r.conns - 1);
    r.inUse = r.conns > 0;
    r.endedAt = now;
    r.changedAt = now;
    r.unproductive = productive ? 0 : r.unproductive + 1;
  }

  onConnectFailure(r, now) {
    this.ended(r, now, false);
  }

  onHandshakeFailure(r, now, outgoing) {
    if (outgoing) this.ended(r, now, false);
    else {
      r.conns = Math.max(0, r.conns - 1);
      r.inUse = r.conns > 0;
    }
  }

  onHandshake(r, now) {
    r.changedAt = now;
  }

  // What the remote advertised: remember seeds (bitfield / have-all).
  onRemoteState(r, now, state) {
    if (state.via === 'bitfield') r.seed = state.seed;
  }

  onPieceData(r, now) {
    r.pieceDataAt = now;
  }

  onClose(r, now, close) {
    if (close.reason === 'banned') r.banned = true;
    this.ended(r, now, close.pieceBytes > 0);
  }
}

/** @type {import('swarmsim').PolicyFactory} */
export default {
  name: 'gentle-backoff',
  description: 'Example: doubling backoff after unproductive attempts; a done client rarely re-dials known seeds',
  params: [
    { name: 'base', kind: 'number', default: 30, min: 0, description: 'first wait (s)' },
    { name: 'cap', kind: 'number', default: 3600, min: 0, description: 'longest wait (s)' },
  ],
  create(params) {
    return new GentleBackoff(params);
  },
};
