// The few building blocks every page shares, so pages look alike.
import type { ReactNode } from 'react';

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {subtitle ? <p className="mt-1 text-sm text-slate-500">{subtitle}</p> : null}
      </div>
      {actions}
    </div>
  );
}

export function Card({
  title,
  children,
  className = '',
}: {
  title?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`rounded-lg border border-slate-200 bg-white shadow-sm ${className}`}>
      {title ? (
        <h2 className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-700">{title}</h2>
      ) : null}
      <div className="p-4">{children}</div>
    </section>
  );
}

/** One column of a Table: its header, and what each row shows under it. */
export interface Column<T> {
  header: ReactNode;
  cell: (row: T, index: number) => ReactNode;
  /** added to this column's body cells */
  className?: string;
  /** added to this column's header cell */
  headerClassName?: string;
  /** the cell's tooltip, e.g. the whole text of a truncated cell */
  title?: (row: T) => string;
}

// 'boxed' is a page's main list in a bordered box of its own; 'plain' sits
// inside a Card, its rows ruled by a top border.
const TABLE_LOOKS = {
  boxed: {
    table: 'min-w-full text-sm',
    head: 'bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500',
    body: 'divide-y divide-slate-100',
    row: '',
    cell: 'px-3 py-2',
    empty: 'px-3 py-8 text-center text-slate-500',
  },
  plain: {
    table: 'w-full text-sm',
    head: 'text-left text-xs uppercase text-slate-500',
    body: '',
    row: 'border-t border-slate-100',
    // columns keep apart on a narrow screen, where the table takes only the room it needs
    cell: 'py-1 pr-3',
    empty: 'py-6 text-center text-slate-500',
  },
} as const;

const classes = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ') || undefined;

/**
 * A table of rows, one per item. `rows` undefined (still loading) shows no
 * rows and no `empty` message; an empty array shows `empty` if given.
 */
export function Table<T>({
  columns,
  rows,
  rowKey,
  empty,
  look = 'boxed',
  rowClassName,
  bodyClassName,
  testId,
}: {
  columns: Column<T>[];
  rows: readonly T[] | undefined;
  rowKey: (row: T, index: number) => string | number;
  empty?: ReactNode;
  look?: keyof typeof TABLE_LOOKS;
  /** replaces the look's row classes */
  rowClassName?: string;
  bodyClassName?: string;
  testId?: string;
}) {
  const s = TABLE_LOOKS[look];
  const table = (
    <table className={s.table} data-testid={testId}>
      <thead className={s.head}>
        <tr>
          {columns.map((c, i) => (
            <th key={i} className={classes(s.cell, c.headerClassName)}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className={classes(s.body, bodyClassName)}>
        {rows?.map((row, i) => (
          <tr key={rowKey(row, i)} className={classes(rowClassName ?? s.row)}>
            {columns.map((c, j) => (
              <td key={j} className={classes(s.cell, c.className)} title={c.title?.(row)}>
                {c.cell(row, i)}
              </td>
            ))}
          </tr>
        ))}
        {empty !== undefined && rows?.length === 0 ? (
          <tr>
            <td colSpan={columns.length} className={s.empty}>
              {empty}
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
  // a plain table scrolls inside its card rather than pushing the page wider (a phone)
  if (look === 'plain') return <div className="overflow-x-auto">{table}</div>;
  return <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">{table}</div>;
}

const TONES = {
  gray: 'bg-slate-100 text-slate-700 ring-slate-200',
  green: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  amber: 'bg-amber-50 text-amber-800 ring-amber-200',
  red: 'bg-red-50 text-red-700 ring-red-200',
  blue: 'bg-sky-50 text-sky-700 ring-sky-200',
} as const;
export type Tone = keyof typeof TONES;

export function Badge({ tone = 'gray', children }: { tone?: Tone; children: ReactNode }) {
  return (
    <span
      className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

/** One headline number with what it counts, e.g. on a landing page. */
export function Stat({
  label,
  value,
  hint,
  tone = 'gray',
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: Tone;
}) {
  const accent = {
    gray: 'text-slate-900',
    green: 'text-emerald-700',
    amber: 'text-amber-700',
    red: 'text-red-700',
    blue: 'text-sky-700',
  }[tone];
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">{label}</p>
      <p className={`mt-1 text-3xl font-semibold tabular-nums ${accent}`}>{value}</p>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

export function ProgressBar({ percent, label }: { percent: number; label?: string }) {
  const p = Math.max(0, Math.min(100, percent));
  return (
    <div
      role="progressbar"
      aria-valuenow={Math.round(p)}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-label={label}
      className="h-2 w-full overflow-hidden rounded bg-slate-200"
    >
      <div className="h-full bg-sky-600 transition-all" style={{ width: `${p}%` }} />
    </div>
  );
}

export function ErrorBox({ title = 'Error', children }: { title?: string; children: ReactNode }) {
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      <p className="font-semibold">{title}</p>
      <div className="mt-1 whitespace-pre-wrap break-words">{children}</div>
    </div>
  );
}

export function Button({
  variant = 'primary',
  className = '',
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger' }) {
  const styles = {
    primary: 'bg-sky-700 text-white hover:bg-sky-800 disabled:bg-slate-300',
    secondary: 'bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:text-slate-400',
    danger: 'bg-red-600 text-white hover:bg-red-700 disabled:bg-slate-300',
  }[variant];
  return (
    <button
      type="button"
      className={`rounded-md px-3 py-1.5 text-sm font-medium shadow-sm ${styles} ${className}`}
      {...props}
    />
  );
}

/** A form's save button and, once saved, "Saved." beside it (the status the tests and screen readers find). */
export function SaveButton({
  label,
  pending,
  saved,
  onClick,
}: {
  label: string;
  pending: boolean;
  saved: boolean;
  onClick?: () => void;
}) {
  return (
    <>
      <Button type={onClick ? 'button' : 'submit'} disabled={pending} onClick={onClick}>
        {pending ? 'Saving…' : label}
      </Button>
      {saved ? (
        <span role="status" className="self-center text-sm text-emerald-700">
          Saved.
        </span>
      ) : null}
    </>
  );
}

export const inputClass =
  'rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm focus:border-sky-600 focus:outline-none focus:ring-1 focus:ring-sky-600';

export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      {children}
      {hint ? <span className="text-xs text-slate-500">{hint}</span> : null}
    </label>
  );
}

/** A labelled text input: a name, an e-mail, a password (new-password: at least `minLength` characters). */
export function TextField({
  label,
  hint,
  value,
  onChange,
  type = 'text',
  autoComplete,
  minLength,
}: {
  label: string;
  hint?: ReactNode;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'password';
  autoComplete?: 'username' | 'current-password' | 'new-password';
  minLength?: number;
}) {
  return (
    <Field label={label} hint={hint}>
      <input
        className={inputClass}
        type={type}
        autoComplete={autoComplete}
        required
        minLength={minLength}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}

export function statusTone(status: string): Tone {
  switch (status) {
    case 'running':
    case 'migrated':
    case 'succeeded':
    case 'accepted':
      return 'green';
    case 'stopped':
    case 'not_started':
    case 'unknown':
      return 'gray';
    case 'failed':
    case 'completed_with_failures':
      return 'red';
    case 'pending':
    case 'queued':
    case 'suspended':
      return 'amber';
    default:
      return 'blue';
  }
}

/** What a page shows a role that may not use it (the server refuses its data too). */
export function NotAllowed({ what }: { what: string }) {
  return (
    <div role="alert" className="rounded-md border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
      Your role does not allow {what}. Ask an admin if you need it.
    </div>
  );
}
