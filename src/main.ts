import './production.js';
import { parseConfig, ConfigError, type Config } from './config.js';
import { createApp, listen } from './app.js';
import { startEmulator, type Emulator } from './emulator/index.js';

/** The only reader of process.env: config, the embedded emulator when no Twenty is set, listen. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }

  let emulator: Emulator | undefined;
  if (!config.twentyApiUrl) {
    emulator = await startEmulator({
      port: config.emulator.port,
      dbFile: config.emulator.dbFile,
      companies: config.emulator.companies,
      rateLimit: config.emulator.rateLimit ? undefined : false,
      controls: false,
    });
    config = Object.freeze({ ...config, twentyApiUrl: emulator.url, twentyApiKey: config.twentyApiKey ?? emulator.keys.acme });
  }

  const server = await listen(createApp(config), config.port, config.host);
  console.log(`twenty-bff GraphQL: ${server.url}/graphql (GraphiQL in a browser), metrics: ${server.url}/metrics`);
  if (emulator) {
    console.log(`Embedded Twenty emulator: ${emulator.url}/rest (db ${config.emulator.dbFile})`);
    console.log(`Demo API keys: acme = ${emulator.keys.acme} (the default), globex = ${emulator.keys.globex}`);
  } else {
    console.log(`Upstream Twenty: ${config.twentyApiUrl}`);
  }

  const stop = async () => {
    await server.close();
    await emulator?.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
