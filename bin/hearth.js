#!/usr/bin/env node
// The `hearth` command: loads the TypeScript sources through tsx and runs the CLI.
import { register } from 'tsx/esm/api';

// `hearth replay … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
register();
const { main } = await import('../bot/cli.ts');
process.exitCode = await main(process.argv.slice(2));
