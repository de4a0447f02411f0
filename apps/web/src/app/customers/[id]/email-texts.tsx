'use client';
// The three e-mails support sends a customer, each ready to copy: subject
// and text as the customer reads them.
import { useState } from 'react';
import type { CustomerEmail } from '@/api/support';
import { Button } from '@/components/ui';

const KINDS = [
  { key: 'scheduled', title: 'Move scheduled', none: 'No container has a move date yet: nothing to announce.' },
  { key: 'done', title: 'Move done', none: 'No container is migrated yet.' },
  { key: 'problem', title: 'Move had a problem', none: 'No migration of this customer failed.' },
] as const;

export function EmailTexts({ emails }: { emails: Record<(typeof KINDS)[number]['key'], CustomerEmail | null> }) {
  return (
    <div className="flex flex-col gap-4">
      {KINDS.map(({ key, title, none }) => {
        const mail = emails[key];
        return (
          <section key={key} aria-label={`E-mail: ${title}`} data-testid={`email-${key}`}>
            <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">{title}</h3>
            {mail ? <Email mail={mail} /> : <p className="text-sm text-slate-500">{none}</p>}
          </section>
        );
      })}
    </div>
  );
}

function Email({ mail }: { mail: CustomerEmail }) {
  const text = `Subject: ${mail.subject}\n\n${mail.body}`;
  return (
    <div>
      <p className="mb-1 text-sm">
        <span className="text-slate-500">Subject:</span> {mail.subject}
      </p>
      <pre className="max-h-72 overflow-auto whitespace-pre-wrap rounded-md border border-slate-200 bg-slate-50 p-3 font-sans text-sm">
        {mail.body}
      </pre>
      <div className="mt-2 flex items-center gap-2">
        <CopyButton label="Copy subject" text={mail.subject} />
        <CopyButton label="Copy text" text={mail.body} />
        <CopyButton label="Copy both" text={text} />
      </div>
    </div>
  );
}

function CopyButton({ label, text }: { label: string; text: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // no clipboard (plain HTTP, a refused permission): the text stays selectable above
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  };
  return (
    <Button variant="secondary" onClick={() => void copy()}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy it by hand' : label}
    </Button>
  );
}
