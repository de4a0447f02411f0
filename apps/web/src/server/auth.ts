// The web app's side of sign-in: the options packages/db's auth needs, from
// the configuration. The cookie is signed with a key derived from the
// instance key, so there is no other secret to keep.
import type { AuthOptions } from '@vzferry/db';
import { server } from './context';

export function authOptions(): AuthOptions {
  const { config, secrets } = server();
  return {
    baseURL: config.VZFERRY_BASE_URL ?? `http://localhost:${config.WEB_PORT}`,
    secret: secrets.derive('session-cookie'),
  };
}
