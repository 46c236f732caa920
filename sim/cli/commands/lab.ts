import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadLabFile } from '../../../lab/config/lab-file.js';
import { canUnshare, insideNamespace, reexecInNamespace, setUpNamespace } from '../../../lab/runner/netns.js';
import { probeClients, runLab } from '../../../lab/runner/run-lab.js';
import { UsageError } from '../errors.js';

interface LabArgs {
  file: string;
  out: string;
  keepState: boolean;
}

/** `swarmsim lab <lab-file> --out DIR`: a small swarm of real clients in a network namespace of its own. */
export const labCommand: CommandModule<object, LabArgs> = {
  command: 'lab <file>',
  describe: 'run a small swarm of real clients (Transmission, libtorrent, WebTorrent) in a network namespace of its own; logs for ingest',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'lab file (YAML)', demandOption: true })
      .option('out', { type: 'string', describe: 'output folder (logs/, lab.json)', demandOption: true, requiresArg: true })
      .option('keep-state', { type: 'boolean', default: false, describe: 'keep the clients\' state folders (OUT/state)' })
      .example('$0 lab lab/two-seeds.yaml --out out/lab', 'then: $0 ingest out/lab --out out/lab-metrics') as unknown as Argv<LabArgs>,
  handler: async (args: ArgumentsCamelCase<LabArgs>) => {
    const file = String(args.file);
    const lab = loadLabFile(file);
    if (!args.out) throw new UsageError('lab: --out DIR is required');
    let network: 'namespace' | 'loopback' = lab.network === 'loopback' ? 'loopback' : 'namespace';
    if (!insideNamespace() && network === 'namespace') {
      probeClients(lab);
      if (canUnshare()) {
        const hardMs = (lab.duration + lab.grace + 60 + Math.max(0, ...lab.groups.map((g) => g.start_after))) * 1000;
        process.exitCode = await reexecInNamespace(hardMs);
        return;
      }
      if (lab.network === 'namespace') {
        throw new UsageError(`${file}: network: namespace needs root and 'unshare --net' (util-linux); set network: auto or loopback to run on 127.0.0.N instead`);
      }
      if (lab.groups.some((g) => g.kind === 'transmission')) {
        throw new UsageError(`${file}: Transmission drops 127.0.0.0/8 peers as martian, so it needs the namespace, which this process may not create (root and unshare --net)`);
      }
      network = 'loopback';
    }
    if (insideNamespace()) setUpNamespace();
    const code = await runLab({ lab, labFile: file, out: String(args.out), network, keepState: args.keepState, log: (l) => process.stderr.write(l + '\n') });
    process.exitCode = code;
  },
};
