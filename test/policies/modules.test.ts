import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainPolicy } from '../../sim/policies/explain.js';
import { GuardedPolicy, PolicyModuleError, guardFactory } from '../../sim/policies/guarded.js';
import { loadPolicyModule, resolvePolicySpec } from '../../sim/policies/load-module.js';
import { naive } from '../../sim/policies/generic/naive.js';
import type { PolicyFactory, ReconnectPolicy } from '../../sim/policies/policy.js';
import { Source } from '../../sim/policies/source.js';
import { Harness, closesAfterHandshake, dead, hostView, weCloseAfterHandshake } from './harness.js';

const EXAMPLE = './examples/policies/gentle-backoff.js';
const dir = mkdtempSync(join(tmpdir(), 'swarmsim-policy-'));

function writeModule(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
}

async function moduleError(path: string): Promise<string> {
  try {
    await loadPolicyModule(path);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyModuleError);
    return (e as Error).message;
  }
  throw new Error('loaded');
}

/** A module whose policy delegates to naive but answers eligibleAt/select as told. */
function naiveWith(over: Partial<ReconnectPolicy>): PolicyFactory {
  return {
    name: 'broken',
    description: 'test',
    params: [],
    create() {
      const inner = naive.create({});
      return Object.assign(Object.create(Object.getPrototypeOf(inner)), inner, over) as ReconnectPolicy;
    },
  };
}

describe('the example module', () => {
  it('loads, is guarded, and backs off base × 2^(n−1) after fruitless connections', async () => {
    const factory = await loadPolicyModule(EXAMPLE);
    expect(factory.name).toBe('gentle-backoff');
    const p = factory.create({ base: 30, cap: 3600 });
    expect(p).toBeInstanceOf(GuardedPolicy);
    const h = new Harness(p, { pulse: 0.5 });
    h.addRemote(1, closesAfterHandshake(1, 1));
    h.addRemote(2, dead);
    h.run(1000);
    const d = h.dialTimes(1);
    expect(d.slice(1).map((t, i) => t - (d[i] as number) - 2)).toEqual([30, 60, 120, 240, 480]);
    expect(h.dialTimes(2)).toEqual([0, 60, 150, 300, 570]);
  });

  it('a done host waits `cap` for a peer seen as a seed; explain reads it', async () => {
    const { factory, params } = await resolvePolicySpec(`${EXAMPLE}:base=10,cap=600`);
    expect(params).toEqual({ base: 10, cap: 600 });
    const h = new Harness(factory.create(params), { pulse: 0.5, done: true });
    h.addRemote(1, weCloseAfterHandshake(1, 1, [{ via: 'bitfield', seed: true, uploadOnly: true }]));
    h.run(2000);
    expect(h.dialTimes(1)).toEqual([0, 602, 1204, 1806]);
    const rows = explainPolicy(factory, params);
    expect(rows[0]?.values.slice(0, 5)).toEqual([0, 10, 20, 40, 80]);
  });

  it('rejects bad parameters with the policy name', async () => {
    await expect(resolvePolicySpec(`${EXAMPLE}:bse=1`)).rejects.toThrow(
      "policy gentle-backoff: unknown parameter 'bse' (known: base, cap)",
    );
  });
});

describe('loadPolicyModule', () => {
  it('loads .ts modules through tsx and named `policy` exports', async () => {
    const ts = writeModule(
      'typed.ts',
      `import type { PolicyFactory } from ${JSON.stringify(join(process.cwd(), 'sim/policies/policy.ts'))};
       import { naive } from ${JSON.stringify(join(process.cwd(), 'sim/policies/generic/naive.ts'))};
       const n: number = 3;
       export const policy: PolicyFactory = { ...naive, name: 'typed-' + n };`,
    );
    const f = await loadPolicyModule(ts);
    expect(f.name).toBe('typed-3');
    const p = f.create({});
    p.learn(1, Source.Tracker, {}, 0);
    const out = new Int32Array(4);
    expect(p.select(hostView(), 4, out)).toBe(1);
  });

  it('accepts a relative path from the working directory', async () => {
    const js = writeModule('rel.mjs', `export default { name: 'rel', description: 'd', params: [], create() { return {}; } };`);
    const f = await loadPolicyModule('./' + relative(process.cwd(), js));
    expect(f.name).toBe('rel');
    expect(() => f.create({})).toThrow(/create\(\) returned a policy without get, size, learn/);
  });

  it('clear errors for a missing file, a load failure and a wrong shape', async () => {
    expect(await moduleError('./nope/missing.js')).toMatch(/^policy module \.\/nope\/missing\.js: file not found \(/);
    const syntax = writeModule('syntax.js', 'export default {');
    expect(await moduleError(syntax)).toMatch(/: failed to load: /);
    const throws = writeModule('throws.js', 'throw new Error("boom at load");');
    expect(await moduleError(throws)).toMatch(/failed to load: boom at load/);
    const none = writeModule('none.js', 'export const x = 1;');
    expect(await moduleError(none)).toMatch(/expected a PolicyFactory as the default export or a named export 'policy'.*found neither/);
    const noCreate = writeModule('nocreate.js', "export default { name: 'a', description: 'b', params: [] };");
    expect(await moduleError(noCreate)).toMatch(/'create' is not a function/);
    const badParam = writeModule('badparam.js', "export default { name: 'a', description: 'b', params: [{ name: 'x', kind: 'number', default: 'y' }], create() {} };");
    expect(await moduleError(badParam)).toMatch(/params\[0\] has a 'default' that is not a valid number/);
    const txt = writeModule('policy.txt', '');
    expect(await moduleError(txt)).toMatch(/expected a \.js, \.mjs, \.cjs or \.ts file/);
  });

  it('resolvePolicySpec still resolves built-in names', async () => {
    const { factory, params } = await resolvePolicySpec('exp-backoff:base=5');
    expect(factory.name).toBe('exp-backoff');
    expect(params.base).toBe(5);
  });
});

describe('guarded wrapper', () => {
  const host = hostView({ now: 10 });

  function guarded(over: Partial<ReconnectPolicy>): ReconnectPolicy {
    return guardFactory(naiveWith(over), './my.js').create({});
  }

  it('rejects an eligibleAt or nextWake that returns NaN or a non-number', () => {
    const p = guarded({ eligibleAt: () => NaN });
    const info = p.learn(1, Source.Tracker, {}, 0)!;
    expect(() => p.eligibleAt(info, host)).toThrow(
      new PolicyModuleError('policy module ./my.js: eligibleAt() returned NaN, expected a time in seconds (a number, Infinity for never)'),
    );
    const q = guarded({ nextWake: () => 'soon' as unknown as number });
    expect(() => q.nextWake?.(host)).toThrow(/policy module \.\/my\.js: nextWake\(\) returned "soon"/);
    const r = guarded({ connectTimeout: () => -1 });
    expect(() => r.connectTimeout?.(info)).toThrow(/connectTimeout\(\) returned -1, expected seconds > 0/);
    // An upkeep timer that asks to run again now would never let time move on.
    const m = guarded({ maintain: (h) => h.now });
    expect(() => m.maintain?.(host)).toThrow(/maintain\(\) returned 10, expected a time after now \(10\), or Infinity/);
    expect(guarded({ maintain: (h) => h.now + 60 }).maintain?.(host)).toBe(70);
    expect(guarded({}).maintain).toBeUndefined();
  });

  it('rejects select answers that break the contract', () => {
    const out = new Int32Array(8);
    const unknown = guarded({
      select: (_h, _b, o) => {
        o[0] = 42;
        return 1;
      },
    });
    expect(() => unknown.select(host, 5, out)).toThrow('policy module ./my.js: select() returned unknown peer 42');
    const tooMany = guarded({ select: () => 3 });
    expect(() => tooMany.select(host, 2, out)).toThrow(/select\(\) returned 3 peers, more than the budget 2/);
    const notInt = guarded({ select: () => 1.5 });
    expect(() => notInt.select(host, 2, out)).toThrow(/select\(\) returned 1.5, expected a count from 0 to 2/);
    // In use: tracked by the wrapper from the host's calls, whatever the policy believes.
    const sticky = guarded({
      select: (_h, _b, o) => {
        o[0] = 1;
        return 1;
      },
    });
    const info = sticky.learn(1, Source.Tracker, {}, 0)!;
    expect(sticky.select(host, 5, out)).toBe(1);
    sticky.onDial(info, 10);
    expect(() => sticky.select(host, 5, out)).toThrow('policy module ./my.js: select() returned peer 1, which is in use');
    sticky.onConnectFailure(info, 12, 'refused');
    expect(sticky.select(host, 5, out)).toBe(1);
    const twice = guarded({
      select: (_h, _b, o) => {
        o[0] = 1;
        o[1] = 1;
        return 2;
      },
    });
    twice.learn(1, Source.Tracker, {}, 0);
    expect(() => twice.select(host, 5, out)).toThrow(/returned peer 1 twice/);
  });

  it('turns exceptions into PolicyModuleError naming the call', () => {
    const p = guarded({
      onClose: () => {
        throw new TypeError('cannot read x of undefined');
      },
    });
    const info = p.learn(1, Source.Tracker, {}, 0)!;
    expect(() => p.onClose(info, 1, { reason: 'idle', byUs: true, severity: 'normal', pieceBytes: 0, outgoing: true })).toThrow(
      'policy module ./my.js: onClose() threw: cannot read x of undefined',
    );
    const bad = guardFactory(
      { name: 'x', description: 'x', params: [], create: () => { throw new Error('nope'); } },
      './x.js',
    );
    expect(() => bad.create({})).toThrow('policy module ./x.js: create() threw: nope');
  });

  it('passes a correct policy through unchanged', () => {
    const h = new Harness(guardFactory(naive, './naive.js').create({}), { pulse: 0.5, useNextWake: true });
    h.addRemote(1, closesAfterHandshake(0.5, 0.25));
    h.run(5);
    expect(h.dialTimes(1)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
