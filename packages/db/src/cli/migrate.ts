// `npm run db:migrate`: create the database if needed, apply pending migrations.
import { loadConfig } from '@vzferry/core';
import { ensureDatabase, redactUrl } from '../migrations/ensure-database';
import { MIGRATIONS_DIR } from '../migrations/paths';
import { migrate } from '../migrations/runner';

const config = loadConfig(process.env);
try {
  if (await ensureDatabase(config.DATABASE_URL)) console.log(`created database ${redactUrl(config.DATABASE_URL)}`);
  const result = await migrate(config.DATABASE_URL, MIGRATIONS_DIR);
  for (const name of result.applied) console.log(`applied ${name}`);
  console.log(
    `database is up to date (${result.applied.length} applied, ${result.alreadyApplied.length} already there)`,
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
