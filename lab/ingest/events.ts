import type { SeenReason } from '../../sim/policies/policy.js';

/**
 * Normalised events read from one real client's log. `t` is Unix time in seconds; `conn` names
 * one TCP connection within that log; `remote` is the other end's address (IP), which the lab
 * gives every client on its own.
 */
export type LogEventType = 'attempt' | 'connected' | 'connect_failed' | 'handshake' | 'handshake_failed' | 'piece' | 'close' | 'online' | 'completed' | 'offline';

export interface LogEvent {
  t: number;
  /** The lab client whose log this is. */
  subject: string;
  type: LogEventType;
  conn?: string;
  remote?: string;
  dir?: 'out' | 'in';
  /** piece: payload bytes; `up` = we sent them. */
  bytes?: number;
  up?: boolean;
  /** close / failures: the client's own words, and what swarmsim calls it. */
  reason?: string;
  closeReason?: SeenReason;
  failure?: 'refused' | 'timeout';
  /** close: this end decided to close. */
  byUs?: boolean;
  peerId?: string;
}

/** What a parser made of one file: every line is used, ignored (known but irrelevant) or unparsed. */
export interface ParseResult {
  format: string;
  events: LogEvent[];
  lines: number;
  used: number;
  ignored: number;
  unparsed: number;
  /** The first few unparsed lines, for the report. */
  unparsedSamples: string[];
}

export interface ParseContext {
  subject: string;
  /** Minutes to add to local time to get UTC (Date#getTimezoneOffset), for logs without a zone. */
  tzOffsetMin: number;
  /** The client started as a seed (lab.json role). */
  seed: boolean;
}

export interface LogParser {
  format: string;
  /** The client version this parser was written against, for the run name. */
  client: string;
  /** Whether the first lines of a file look like this format. */
  detect(head: readonly string[]): boolean;
  parse(text: string, ctx: ParseContext): ParseResult;
}

/** Line bookkeeping shared by the parsers. */
export class LineTally {
  lines = 0;
  used = 0;
  ignored = 0;
  unparsed = 0;
  readonly samples: string[] = [];
  readonly events: LogEvent[] = [];
  unparsedLine(line: string): void {
    this.unparsed++;
    if (this.samples.length < 5) this.samples.push(line.length > 200 ? line.slice(0, 200) + '…' : line);
  }
  result(format: string): ParseResult {
    return { format, events: this.events, lines: this.lines, used: this.used, ignored: this.ignored, unparsed: this.unparsed, unparsedSamples: this.samples };
  }
}

/**
 * The lines of a log that match a parser's line format, with their matches; every line is
 * counted, blank ones as ignored, the rest that do not match as unparsed.
 */
export function* matchedLines(text: string, format: RegExp, tally: LineTally): Generator<RegExpExecArray> {
  for (const line of splitLines(text)) {
    tally.lines++;
    const m = format.exec(line);
    if (m) yield m;
    else if (line.trim() === '') tally.ignored++;
    else tally.unparsedLine(line);
  }
}

export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
