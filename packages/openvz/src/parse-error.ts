// One error type for foreign output that does not look like what the real
// tool prints: the message names the source, where and what is wrong, so an
// engineer can tell a changed tool version from a broken host.
export class OpenVzParseError extends Error {
  readonly source: string;

  constructor(source: string, problem: string) {
    super(`cannot parse ${source}: ${problem}`);
    this.name = 'OpenVzParseError';
    this.source = source;
  }
}

/** zod issues as one line: "[0].status: Invalid option ...; [1].ctid: ..." */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[], max = 5): string {
  const shown = issues.slice(0, max).map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`);
  const more = issues.length > max ? `; and ${issues.length - max} more` : '';
  return shown.join('; ') + more;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}
