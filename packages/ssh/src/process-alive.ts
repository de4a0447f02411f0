// A pid check for files a process leaves behind (an OpenSSH login's key directory, a test run's build lock).
/** A process of this pid runs (signal 0 reaches it; EPERM: it runs as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
