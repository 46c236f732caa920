import { join } from 'node:path';
import type { LabFile } from '../config/lab-file.js';
import type { LabClient } from '../clients/types.js';

/** Log file suffix per kind: what ingest recognises a client's log by. */
export const LOG_SUFFIX = { transmission: 'transmission.log', libtorrent: 'libtorrent.log', webtorrent: 'webtorrent.jsonl' } as const;

/** Every client of the lab file, in group order, on addresses PREFIX2, PREFIX3, … */
export function assignClients(lab: LabFile, prefix: string, outDir: string): LabClient[] {
  const out: LabClient[] = [];
  for (const g of lab.groups) {
    for (let i = 1; i <= g.count; i++) {
      const n = 2 + out.length;
      const id = `${g.name}-${i}`;
      out.push({
        id,
        group: g.name,
        kind: g.kind,
        role: g.role,
        subject: g.subject,
        address: `${prefix}${n}`,
        port: 51000 + n,
        uploadLimit: g.upload_limit,
        downloadLimit: g.download_limit,
        utp: g.utp,
        pex: g.pex,
        startAfter: g.start_after,
        stateDir: join(outDir, 'state', id),
        logs: [join(outDir, 'logs', `${id}.${LOG_SUFFIX[g.kind]}`)],
      });
    }
  }
  return out;
}
