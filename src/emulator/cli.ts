/**
 * Standalone emulator: `npm run emulator -- --port 3001 [--db FILE] [--companies N]
 * [--latency-ms N] [--rate-limit off] [--page-limit N] [--legacy] [--seed N]`.
 * Prints its URL and demo keys and serves until SIGINT/SIGTERM.
 */
import { type EmulatorOptions, startEmulator } from './index.js';

const USAGE =
  'usage: npm run emulator -- [--port 3001] [--host 127.0.0.1] [--db .data/emulator.sqlite] [--companies 200] [--seed 42] [--latency-ms 0] [--rate-limit on|off] [--page-limit 200] [--legacy]';

function parseArgs(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = { port: 3001 };
  const int = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} expects a non-negative integer, got ${value ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--port':
        options.port = int(flag, value);
        i++;
        break;
      case '--host':
        if (!value) throw new Error('--host expects a value');
        options.host = value;
        i++;
        break;
      case '--db':
        if (!value) throw new Error('--db expects a file name or :memory:');
        options.dbFile = value;
        i++;
        break;
      case '--companies':
        options.companies = int(flag, value);
        i++;
        break;
      case '--seed':
        options.seed = int(flag, value);
        i++;
        break;
      case '--latency-ms':
        options.latencyMs = int(flag, value);
        i++;
        break;
      case '--page-limit':
        options.pageLimit = int(flag, value);
        i++;
        break;
      case '--rate-limit':
        if (value !== 'off' && value !== 'on') throw new Error('--rate-limit expects on or off');
        if (value === 'off') options.rateLimit = false;
        i++;
        break;
      case '--legacy':
        options.legacy = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const started = Date.now();
  const emulator = await startEmulator(options);
  console.log(`Twenty REST emulator listening on ${emulator.url} (ready in ${Date.now() - started} ms)`);
  console.log(`  REST base:   ${emulator.url}/rest`);
  console.log(`  acme key:    ${emulator.keys.acme}`);
  console.log(`  globex key:  ${emulator.keys.globex}`);
  console.log(`  try:         curl -H 'Authorization: Bearer ${emulator.keys.acme}' '${emulator.url}/rest/companies?limit=2'`);
  const stop = (signal: string) => {
    console.log(`${signal}: stopping`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

void main();
