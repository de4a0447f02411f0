// The first start of the web app on an empty user table: the admin of
// VZFERRY_ADMIN_EMAIL/VZFERRY_ADMIN_PASSWORD, or a one-time setup link in
// the log (valid 24 h; whoever reads the log of this server may open it).
import { errorMessage } from '@vzferry/core';
import { prepareFirstStart } from '@vzferry/db';
import { authOptions } from './auth';
import { server } from './context';

export async function firstStart(log: (line: string) => void = (l) => console.log(`[web] ${l}`)): Promise<void> {
  const { config, db } = server();
  try {
    const start = await prepareFirstStart(db, authOptions(), {
      email: config.VZFERRY_ADMIN_EMAIL,
      password: config.VZFERRY_ADMIN_PASSWORD,
    });
    if (start.kind === 'admin_created') log(`created the admin ${start.email} (VZFERRY_ADMIN_EMAIL); sign in with it`);
    if (start.kind === 'setup_link') {
      log(`no user yet: open ${authOptions().baseURL}/setup?token=${start.token} to make the first admin (24 h)`);
    }
  } catch (err) {
    log(`first start: could not check for users (${errorMessage(err)}); is the database migrated?`);
  }
}
