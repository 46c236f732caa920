import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/**
 * The processes one lab started, and only those: each is ended by its own PID, SIGTERM first,
 * SIGKILL after the grace time. Nothing is ever signalled by name.
 */
export interface Started {
  name: string;
  pid: number;
  child: ChildProcess;
  exit: { code: number | null; signal: string | null; t: number } | null;
}

export class ProcessSet {
  readonly started: Started[] = [];

  constructor(
    private readonly maxProcesses: number,
    private readonly now: () => number,
  ) {}

  start(name: string, command: string, args: string[], env: Record<string, string>, stdoutFile: string, stderrFile: string): Started {
    if (this.started.length >= this.maxProcesses) throw new Error(`lab: refusing to start more than ${this.maxProcesses} processes`);
    const out = openSync(stdoutFile, 'a');
    const err = openSync(stderrFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', out, err] });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    if (child.pid === undefined) throw new Error(`lab: could not start ${command}`);
    const s: Started = { name, pid: child.pid, child, exit: null };
    child.on('exit', (code, signal) => (s.exit = { code, signal, t: this.now() }));
    child.on('error', () => undefined);
    this.started.push(s);
    return s;
  }

  running(): Started[] {
    return this.started.filter((s) => s.exit === null);
  }

  /** SIGTERM to every running process, then SIGKILL to those still running after `graceMs`. */
  async stopAll(graceMs: number): Promise<void> {
    for (const s of this.running()) signal(s.pid, 'SIGTERM');
    const deadline = this.now() + graceMs;
    while (this.running().length > 0 && this.now() < deadline) await sleep(50);
    for (const s of this.running()) signal(s.pid, 'SIGKILL');
    const hard = this.now() + 2000;
    while (this.running().length > 0 && this.now() < hard) await sleep(20);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
