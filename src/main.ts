import './production.js';
import { parseConfig, ConfigError, type Config } from './config.js';
import { createApp, listen } from './app.js';
import { createLogger } from './logging.js';

/** What main needs of the embedded emulator (src/emulator/index.ts). */
interface EmbeddedEmulator {
  url: string;
  keys: { acme: string; globex: string };
  close(): Promise<void>;
}

/**
 * The emulator and its SQLite driver are development dependencies: the production image has
 * neither. So it is imported only when needed, through a specifier the compiler does not follow
 * (`npm run build` leaves it out of dist/, see tsconfig.build.json).
 */
const EMULATOR_MODULE = './emulator/index.js';

async function startEmbeddedEmulator(config: Config, warn: (message: string) => void): Promise<EmbeddedEmulator> {
  let module: { startEmulator(options: Record<string, unknown>): Promise<EmbeddedEmulator> };
  try {
    module = await import(EMULATOR_MODULE);
  } catch (error) {
    throw new ConfigError(
      `TWENTY_API_URL is not set and this build has no embedded emulator (${(error as Error).message.split('\n')[0]}): ` +
        'set TWENTY_API_URL to your Twenty server, or run `npm start` from a development install for the demo.',
    );
  }
  return module.startEmulator({
    port: config.emulator.port,
    dbFile: config.emulator.dbFile,
    companies: config.emulator.companies,
    rateLimit: config.emulator.rateLimit ? undefined : false,
    controls: false,
    onWarning: warn,
  });
}

/**
 * Every line goes through pino, those before the configuration is read (a bad LOG_LEVEL) too: at
 * `info` until LOG_LEVEL is known. pino writes stdout synchronously, so a line written just before
 * `process.exit` is not lost.
 */
let logger = createLogger('info');

/** The only reader of process.env: config, the embedded emulator when no Twenty is set, listen. */
async function main(): Promise<void> {
  let config: Config;
  let emulator: EmbeddedEmulator | undefined;
  try {
    config = parseConfig(process.env);
    logger = createLogger(config.logLevel);
    if (!config.twentyApiUrl) {
      emulator = await startEmbeddedEmulator(config, (message) => logger.warn(message));
      config = Object.freeze({
        ...config,
        twentyApiUrl: emulator.url,
        twentyApiKey: config.twentyApiKey ?? emulator.keys.acme,
        // An emulator without limits needs no outbound budget either.
        ...(config.emulator.rateLimit ? {} : { twentyRateLimitPerMinute: 0, twentyRateLimitPerSecond: 0 }),
      });
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  // Twenty need not be up: the server starts anyway and /ready says when it answers.
  const server = await listen(createApp(config, { logger }), config.port, config.host);
  logger.info(
    { graphql: `${server.url}/graphql`, metrics: `${server.url}/metrics`, ready: `${server.url}/ready` },
    `twenty-bff GraphQL: ${server.url}/graphql${config.graphiql ? ' (GraphiQL in a browser)' : ''}`,
  );
  logger.info(
    `Live pipeline: ${server.url}/dashboard; subscriptions over SSE and WebSocket on /graphql${config.feeds.webhookSecret ? '; Twenty webhooks: POST /webhooks/twenty' : ''}${config.redisUrl ? '; feeds shared through Redis' : ''}`,
  );
  if (emulator) {
    logger.info(`Embedded Twenty emulator: ${emulator.url}/rest (db ${config.emulator.dbFile})`);
    logger.info(`Demo API keys: acme = ${emulator.keys.acme} (the default), globex = ${emulator.keys.globex}`);
  } else {
    logger.info(`Upstream Twenty: ${config.twentyApiUrl}`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: no new connections; waiting up to ${config.shutdownTimeoutMs} ms for requests in flight.`);
    const { cut } = await server.shutdown(config.shutdownTimeoutMs);
    await emulator?.close();
    logger.info(cut === 0 ? 'Stopped: every request in flight was answered.' : `Stopped: ${cut} request(s) were cut at the deadline.`);
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  logger.fatal({ err: error }, `twenty-bff stopped: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
