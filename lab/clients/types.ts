import type { ClientKindName } from '../config/lab-file.js';

/** One real client of a lab: where it listens, where it keeps its state and writes its log. */
export interface LabClient {
  /** `<group>-<n>`, n from 1. */
  id: string;
  group: string;
  kind: ClientKindName;
  role: 'seed' | 'leecher';
  subject: boolean;
  /** Its own address: 198.18.0.N in a namespace, 127.0.0.N on loopback (N ≥ 2). */
  address: string;
  port: number;
  /** Bytes per second, 0 = unlimited. */
  uploadLimit: number;
  downloadLimit: number;
  utp: boolean;
  pex: boolean;
  startAfter: number;
  /** State folder (config, resume data, downloaded file). */
  stateDir: string;
  /** The client's log file(s) in OUT/logs/. */
  logs: string[];
}

/** What the lab needs to know of the torrent and tracker to configure a client. */
export interface LabContext {
  torrentFile: string;
  contentFile: string;
  torrentName: string;
  trackerUrl: string;
  /** Folder of the lab's logs (OUT/logs). */
  logDir: string;
}

/** One process to start. Several clients may share one (libtorrent sessions in one Python). */
export interface Launch {
  clients: LabClient[];
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Files that get the process's stdout and stderr. */
  stdout: string;
  stderr: string;
  /** Seconds after the lab's start. */
  startAfter: number;
}

/** A client kind as the lab drives it. */
export interface ClientDriver {
  kind: ClientKindName;
  /** The Debian (or npm) package that provides the client, named when it is missing. */
  installHint: string;
  /** Version string (e.g. 3.00), or an explanation of why the client cannot run. */
  probe(): { ok: true; version: string } | { ok: false; problem: string };
  /** The client's generated settings, for inspection and the settings test. */
  settings(c: LabClient, ctx: LabContext): Record<string, unknown>;
  /** Writes state folders and config files; returns the processes to start. */
  prepare(clients: LabClient[], ctx: LabContext): Launch[];
}
