import { spawn, spawnSync } from 'node:child_process';
import { InputError } from '../../sim/input-error.js';

/**
 * The lab's own network namespace. The lab command re-executes itself under `unshare --net`
 * (root only): the child's only interface is a fresh loopback, to which 198.18.0.1/24 is added,
 * so every 198.18.0.N and 127.0.0.N is local and every other address unreachable.
 */

export const INSIDE_ENV = 'SWARMSIM_LAB_NETNS';
export const NS_PREFIX = '198.18.0.';
export const LOOPBACK_PREFIX = '127.0.0.';

export function insideNamespace(): boolean {
  return process.env[INSIDE_ENV] === '1';
}

/** Whether this process may create a network namespace (root, unshare present, kernel allows it). */
export function canUnshare(): boolean {
  const r = spawnSync('unshare', ['--net', '--', 'true'], { stdio: 'ignore', timeout: 10_000 });
  return !r.error && r.status === 0;
}

/** Runs this same command line again inside a new network namespace; resolves to its exit status. */
export function reexecInNamespace(hardLimitMs: number): Promise<number> {
  const args = ['--net', '--', process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const child = spawn('unshare', args, { stdio: 'inherit', env: { ...process.env, [INSIDE_ENV]: '1' } });
  const forward = (sig: NodeJS.Signals) => () => {
    if (child.pid !== undefined) process.kill(child.pid, sig);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const hard = setTimeout(() => {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }, hardLimitMs);
  return new Promise((resolve) => {
    child.on('exit', (code, sig) => {
      clearTimeout(hard);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (sig ? 1 : 0));
    });
    child.on('error', (e) => {
      clearTimeout(hard);
      resolve(Number(Boolean(e)) + 1);
    });
  });
}

/** Inside the namespace: loopback up, the lab's /24 on it; checks nothing else is there. */
export function setUpNamespace(): void {
  const run = (args: string[]): void => {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new InputError(`lab: ip ${args.join(' ')} failed (${(r.stderr || String(r.error)).trim()}); the lab needs iproute2 and root`);
  };
  run(['link', 'set', 'lo', 'up']);
  run(['addr', 'add', `${NS_PREFIX}1/24`, 'dev', 'lo']);
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const names = links.map((l) => /^\d+:\s*([^:@]+)/.exec(l)?.[1]).filter(Boolean);
  if (names.length !== 1 || names[0] !== 'lo') throw new Error(`lab: the namespace has interfaces other than lo (${names.join(', ')}); refusing to run`);
}
