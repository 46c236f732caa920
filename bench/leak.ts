import { join } from 'node:path';
import { buildRun } from '../sim/experiments/run-one.js';
import { PACKAGE_ROOT } from '../sim/experiments/package-info.js';
import { getPolicyFactory } from '../sim/policies/registry.js';
import { loadScenario } from '../sim/scenario/load.js';
import { round, type BenchRow } from './bench-row.js';
import { settledMemory } from './settle.js';

/**
 * Leak check: the steady-state scenario for 6 simulated hours, memory after a forced GC at the
 * end of every hour (JS heap plus typed arrays, where the client mirrors keep their known-peer
 * records) beside the number of online peers and open connections, the live state. Once the
 * swarm is stationary (after hour 2) the memory per online peer must stay flat;
 * `leak-heap-growth` is its relative change from hour 2 to hour 6. Needs --expose-gc.
 */
export async function benchLeak(hours = 6): Promise<BenchRow[]> {
  const { scenario } = loadScenario(join(PACKAGE_ROOT, 'scenarios', 'steady-state.yaml'), [{ path: 'duration', value: `${hours}h` }]);
  const { factory, params } = getPolicyFactory('transmission-4.1');
  const { swarm } = buildRun({ scenario, policy: 'transmission-4.1', factory, params, rep: 0, seed: 1, trace: 'none' });
  const rows: BenchRow[] = [];
  const perPeer: number[] = [];
  for (let h = 1; h <= hours; h++) {
    swarm.env.run(h * 3600);
    const { heap: js, arrayBuffers } = await settledMemory();
    const heap = js + arrayBuffers;
    const online = swarm.peers.filter((p) => p.online).length;
    const open = swarm.peers.reduce((s, p) => s + p.conns.length, 0) / 2;
    // Known-peer records held (peers that left for good hold none): live state that grows while
    // the pools fill towards their caps (libtorrent keeps up to 3 000 until it weeds).
    const records = swarm.peers.reduce((s, p) => s + p.policy.size(), 0);
    perPeer.push(heap / Math.max(1, online));
    rows.push({ name: `leak-hour-${h}`, events: swarm.env.eventsProcessed, seconds: 0, events_per_s: 0, heap_mb: round(js / 1e6, 1), external_mb: round(arrayBuffers / 1e6, 1), online, open_connections: Math.round(open), known_records: records, bytes: Math.round(heap / Math.max(1, online)) });
  }
  const from = perPeer[Math.min(1, perPeer.length - 1)]!;
  rows.push({ name: 'leak-heap-growth', events: 0, seconds: 0, events_per_s: 0, ratio: round(perPeer[perPeer.length - 1]! / from - 1, 3), of: 'heap and typed arrays per online peer, last hour', to: 'hour 2' });
  return rows;
}
