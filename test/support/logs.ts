import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging.js';

export type LogLine = Record<string, any>;

/** A pino logger at info (as the app makes it) whose lines are kept, parsed. */
export function capturingLogger() {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(text));
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}
