import { calibrate, labCases } from '../lab/calibrate/compare.js';
const t0 = performance.now();
for (const c of labCases('/work/wt/labmirrors')) {
  const cal = calibrate(c);
  console.log(`== ${c.lab.name} ${cal.policy} vs ${cal.real}`);
  for (const r of cal.rows) console.log(`  ${r.label.padEnd(20)} real ${r.real.mean?.toFixed(2)} [${r.real.ciLow?.toFixed(2)}, ${r.real.ciHigh?.toFixed(2)}]  sim ${r.sim.mean?.toFixed(2)} [${r.sim.ciLow?.toFixed(2)}, ${r.sim.ciHigh?.toFixed(2)}]  ${r.verdict}`);
  for (const d of cal.dials) console.log(`  ${d.from}→${d.to}: real ${d.real.map((x) => x.toFixed(1)).join(' ')} | sim ${d.sim.map((x) => x.toFixed(1)).join(' ')} ${d.match ? 'MATCH' : ''}`);
}
console.log(((performance.now() - t0) / 1000).toFixed(1), 's');
