/**
 * Bandwidth sharing on a set of flows between uploaders and downloaders: the rule the model uses
 * (equal split at each end) and max-min fairness (progressive filling), so the error of the
 * former can be measured (test/model/sharing.test.ts, docs/model.md).
 */
export interface FlowNet {
  up: Float64Array; // capacity per uploader
  down: Float64Array; // capacity per downloader
  flows: Array<[number, number]>; // (uploader, downloader)
}

/** The model's rule: rate = min(up / active uploads at up, down / active downloads at down). */
export function equalSplitRates(net: FlowNet): Float64Array {
  const nu = new Float64Array(net.up.length);
  const nd = new Float64Array(net.down.length);
  for (const [u, d] of net.flows) {
    nu[u]!++;
    nd[d]!++;
  }
  return Float64Array.from(net.flows, ([u, d]) => Math.min(net.up[u]! / nu[u]!, net.down[d]! / nd[d]!));
}

/** Max-min fair rates by progressive filling: raise all unfrozen flows until a link saturates. */
export function maxMinRates(net: FlowNet): Float64Array {
  const rate = new Float64Array(net.flows.length);
  const frozen = new Uint8Array(net.flows.length);
  const leftU = Float64Array.from(net.up);
  const leftD = Float64Array.from(net.down);
  for (;;) {
    const nu = new Float64Array(net.up.length);
    const nd = new Float64Array(net.down.length);
    let active = 0;
    net.flows.forEach(([u, d], i) => {
      if (frozen[i]) return;
      nu[u]!++;
      nd[d]!++;
      active++;
    });
    if (active === 0) return rate;
    let inc = Infinity;
    for (let u = 0; u < nu.length; u++) if (nu[u]! > 0) inc = Math.min(inc, leftU[u]! / nu[u]!);
    for (let d = 0; d < nd.length; d++) if (nd[d]! > 0) inc = Math.min(inc, leftD[d]! / nd[d]!);
    net.flows.forEach(([u, d], i) => {
      if (frozen[i]) return;
      rate[i]! += inc;
      leftU[u]! -= inc;
      leftD[d]! -= inc;
    });
    const eps = 1e-9;
    net.flows.forEach(([u, d], i) => {
      if (!frozen[i] && (leftU[u]! <= eps * net.up[u]! || leftD[d]! <= eps * net.down[d]!)) frozen[i] = 1;
    });
  }
}
