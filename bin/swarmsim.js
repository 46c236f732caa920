#!/usr/bin/env node
// swarmsim command line: runs the compiled CLI in dist/ (built by `npm run build`, run from `prepare`).
let cli;
try {
  cli = await import('../dist/sim/cli/main.js');
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/sim/cli/main.js')) {
    process.stderr.write('swarmsim is not built: run npm run build (or npm install) in the project folder\n');
    process.exit(1);
  }
  throw e;
}
process.exitCode = await cli.main(process.argv.slice(2));
