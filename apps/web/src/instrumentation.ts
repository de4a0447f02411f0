// Next calls register() once when the server starts: the first start's admin
// or setup link (server/first-start.ts). Only in the Node runtime: the
// database client does not run in the edge runtime (the proxy's).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { firstStart } = await import('./server/first-start');
  await firstStart();
}
