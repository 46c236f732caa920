import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../sim/engine/random.js';
import { equalSplitRates, maxMinRates, type FlowNet } from '../../sim/model/sharing.js';

function randomNet(rng: RandomStream, uploaders: number, downloaders: number, degree: number): FlowNet {
  const flows: Array<[number, number]> = [];
  const seen = new Set<number>();
  for (let u = 0; u < uploaders; u++) {
    for (let k = 0; k < degree; k++) {
      const d = rng.int(downloaders);
      if (seen.has(u * downloaders + d)) continue;
      seen.add(u * downloaders + d);
      flows.push([u, d]);
    }
  }
  // Home broadband: uploads far below downloads, with a spread of both.
  const up = Float64Array.from({ length: uploaders }, () => rng.between(2e5, 2e6));
  const down = Float64Array.from({ length: downloaders }, () => rng.between(1e6, 1e7));
  return { up, down, flows };
}

const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);

describe('bandwidth sharing rule', () => {
  it('max-min fairness matches a hand-worked case', () => {
    // Uploader 0 (10) feeds downloaders 0 (2) and 1 (100); uploader 1 (10) feeds downloader 1.
    const net: FlowNet = { up: Float64Array.of(10, 10), down: Float64Array.of(2, 100), flows: [[0, 0], [0, 1], [1, 1]] };
    expect([...maxMinRates(net)]).toEqual([2, 8, 10]);
    // Equal split leaves uploader 0's unused share (5 − 2) idle.
    expect([...equalSplitRates(net)]).toEqual([2, 5, 10]);
  });

  it('never exceeds a capacity, and never beats max-min in total', () => {
    const rng = new RandomStream('sharing');
    for (let t = 0; t < 50; t++) {
      const net = randomNet(rng, 20, 30, 6);
      const eq = equalSplitRates(net);
      const mm = maxMinRates(net);
      const useU = new Float64Array(net.up.length);
      const useD = new Float64Array(net.down.length);
      net.flows.forEach(([u, d], i) => {
        useU[u]! += eq[i]!;
        useD[d]! += eq[i]!;
      });
      useU.forEach((x, u) => expect(x).toBeLessThanOrEqual(net.up[u]! * (1 + 1e-12)));
      useD.forEach((x, d) => expect(x).toBeLessThanOrEqual(net.down[d]! * (1 + 1e-12)));
      expect(sum(eq)).toBeLessThanOrEqual(sum(mm) * (1 + 1e-9));
    }
  });

  it('loses little throughput against max-min where uploads are the bottleneck (documented in docs/model.md)', () => {
    const rng = new RandomStream('sharing-error');
    let eqTotal = 0;
    let mmTotal = 0;
    for (let t = 0; t < 50; t++) {
      const net = randomNet(rng, 40, 40, 8);
      eqTotal += sum(equalSplitRates(net));
      mmTotal += sum(maxMinRates(net));
    }
    const shortfall = 1 - eqTotal / mmTotal;
    expect(shortfall).toBeGreaterThanOrEqual(0);
    expect(shortfall).toBeLessThan(0.1);
  });
});
