'use client';
// Adding a note (support, engineers): posted to the page's notes route,
// then the page is read again from the server, so the list shows what was
// saved. Hidden from a viewer whose role may not write notes.
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { NOTE_MAX_CHARS, type Note } from '@/api/support';
import { fetchJson } from '@/lib/fetch-json';
import { Button, ErrorBox, inputClass } from './ui';
import { useCan } from './viewer';

export function NoteForm({ postUrl, about }: { postUrl: string; about: string }) {
  const router = useRouter();
  const [body, setBody] = useState('');
  const add = useMutation({
    mutationFn: (text: string) => fetchJson<Note>(postUrl, { method: 'POST', json: { body: text } }),
    onSuccess: () => {
      setBody('');
      router.refresh();
    },
  });
  if (!useCan('notes')) return null;
  return (
    <form
      className="mb-4 flex flex-col gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate(body);
      }}
    >
      <textarea
        aria-label={`New note about ${about}`}
        placeholder={`A note about ${about}: what the customer said, what was promised…`}
        rows={3}
        maxLength={NOTE_MAX_CHARS}
        className={inputClass}
        value={body}
        onChange={(e) => setBody(e.target.value)}
      />
      <div>
        <Button type="submit" disabled={add.isPending || body.trim() === ''}>
          {add.isPending ? 'Saving…' : 'Add note'}
        </Button>
      </div>
      {add.error ? <ErrorBox title="The note was not saved">{add.error.message}</ErrorBox> : null}
    </form>
  );
}
