import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BadUserInputError, CancelledError, CreditsExhaustedError, createErrorLogger, NotFoundError, UpstreamError } from '../../src/errors.js';

function recording() {
  const lines: Array<[string, unknown[]]> = [];
  const at = (level: string) => (...args: unknown[]) => void lines.push([level, args]);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('the error logger', () => {
  it('stays quiet about the caller\'s own mistakes, even wrapped by graphql-js', () => {
    const { lines, logger } = recording();
    const log = createErrorLogger(logger);
    log.error(new BadUserInputError('bad stage'));
    log.error(new GraphQLError('wrapped', { originalError: new NotFoundError('gone') }));
    expect(lines).toEqual([]);
  });

  it('turns a failing Twenty into a one-line warning with its code', () => {
    const { lines, logger } = recording();
    createErrorLogger(logger).error(new GraphQLError('x', { originalError: new UpstreamError('Twenty failed (HTTP 502).') }));
    expect(lines).toEqual([['warn', ['UPSTREAM_ERROR: Twenty failed (HTTP 502).']]]);
  });

  it('says nothing of calls stopped because their caller went away', () => {
    const { lines, logger } = recording();
    createErrorLogger(logger).error(new GraphQLError('x', { originalError: new CancelledError('gone') }));
    expect(lines).toEqual([]);
  });

  it("stays quiet about a workspace whose credits are spent: the workspace's matter, not the server's", () => {
    const { lines, logger } = recording();
    createErrorLogger(logger).error(new CreditsExhaustedError('no credits'));
    expect(lines).toEqual([]);
  });

  it('warns once for an upstream failure that many fields shared, and not at all when the transport already did', () => {
    const { lines, logger } = recording();
    const reported = new WeakSet<object>();
    const shared = new UpstreamError('Twenty failed (HTTP 503).');
    const log = createErrorLogger(logger, reported);
    for (let i = 0; i < 5; i++) log.error(new GraphQLError('x', { originalError: shared, path: ['companies', i, 'people'] }));
    expect(lines).toEqual([['warn', ['UPSTREAM_ERROR: Twenty failed (HTTP 503).']]]);
    const alreadyLogged = new UpstreamError('Twenty did not answer.');
    reported.add(alreadyLogged);
    log.error(new GraphQLError('y', { originalError: alreadyLogged }));
    expect(lines).toHaveLength(1);
  });

  it('logs an unknown error whole, once', () => {
    const { lines, logger } = recording();
    const bug = new TypeError('undefined is not a function');
    createErrorLogger(logger).error(bug);
    expect(lines).toEqual([['error', [bug]]]);
  });
});
