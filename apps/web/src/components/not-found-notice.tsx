// What a page says for an id that names nothing: the thing is named, and the
// way back to where such things are listed.
import Link from 'next/link';
import { PageHeader } from './ui';

export function NotFoundNotice({
  title,
  explanation,
  back,
}: {
  title: string;
  explanation: string;
  back: { href: string; label: string };
}) {
  return (
    <div data-testid="not-found">
      <PageHeader title={title} />
      <p className="max-w-2xl text-sm text-slate-600">{explanation}</p>
      <p className="mt-4 text-sm">
        <Link className="text-sky-700 hover:underline" href={back.href}>
          {back.label}
        </Link>
      </p>
    </div>
  );
}
