// Notes, newest first, each with its author and time (already in words).
import type { ReactNode } from 'react';

export interface NoteItem {
  id: string;
  body: string;
  authorName: string;
  /** when it was written, as the page words it */
  when: string;
  /** what it is about, when the list mixes subjects (a customer's containers) */
  about?: ReactNode;
}

export function NotesList({ notes }: { notes: NoteItem[] }) {
  if (notes.length === 0) return <p className="text-sm text-slate-500">No notes yet.</p>;
  return (
    <ol className="divide-y divide-slate-100 text-sm" data-testid="notes">
      {notes.map((n) => (
        <li key={n.id} className="py-2">
          <p className="mb-1 text-xs text-slate-500">
            <span className="font-medium text-slate-700">{n.authorName}</span>, {n.when}
            {n.about ? <> · about {n.about}</> : null}
          </p>
          <p className="whitespace-pre-wrap break-words">{n.body}</p>
        </li>
      ))}
    </ol>
  );
}
