import type { ClientKindName } from '../config/lab-file.js';
import { libtorrent } from './libtorrent.js';
import { transmission } from './transmission.js';
import type { ClientDriver } from './types.js';
import { webtorrent } from './webtorrent.js';

export const DRIVERS: Record<ClientKindName, ClientDriver> = { transmission, libtorrent, webtorrent };
