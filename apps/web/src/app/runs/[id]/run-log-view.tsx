'use client';
// The run's log, oldest line at the top like a terminal, and it follows the
// tail: while the reader is at the end, new lines scroll into view; once they
// scroll up to read, the view stays put and a button takes them back down.
import { useLayoutEffect, useRef, useState } from 'react';
import type { RunView } from '@/api/runs';
import { Button } from '@/components/ui';
import { isAtEnd, logLines, type LineTone } from '@/lib/run-log';

const TONES: Record<LineTone, string> = {
  command: 'text-sky-300',
  stderr: 'text-amber-300',
  error: 'text-red-300 font-semibold',
  warn: 'text-amber-300',
  output: 'text-slate-300',
  event: 'text-slate-100',
};

export function RunLogView({ events, limit }: { events: RunView['events']; limit: number }) {
  const box = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const lines = logLines(events);
  const last = lines.at(-1)?.id;

  // after new lines are drawn, before the browser paints: no flicker at the old position
  useLayoutEffect(() => {
    if (following && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [last, following]);

  return (
    <div>
      <p className="mb-2 flex flex-wrap items-center gap-x-3 text-xs text-slate-500">
        <span>
          {events.length >= limit ? `The newest ${limit} lines, oldest first.` : 'Oldest line first.'}{' '}
          {following
            ? 'Following new lines as they come.'
            : 'Paused while you read: scroll to the end to follow again.'}
        </span>
        {!following ? (
          <Button variant="secondary" className="px-2 py-0.5 text-xs" onClick={() => setFollowing(true)}>
            Jump to the newest line
          </Button>
        ) : null}
      </p>
      <div
        ref={box}
        onScroll={(e) => setFollowing(isAtEnd(e.currentTarget))}
        className="max-h-[28rem] overflow-auto rounded bg-slate-950 p-3 font-mono text-xs leading-5"
        data-testid="run-log"
        data-following={following ? 'yes' : 'no'}
      >
        {lines.length === 0 ? <p className="text-slate-400">Nothing logged yet.</p> : null}
        {lines.map((l) => (
          <div key={l.id}>
            {l.stageHeading ? (
              <p className="mt-2 border-t border-slate-800 pt-1 font-sans font-semibold text-slate-400 first:mt-0 first:border-0 first:pt-0">
                {l.stageHeading}
              </p>
            ) : null}
            <p className={`grid grid-cols-[4.5rem_3rem_1fr] gap-x-1 ${TONES[l.tone]}`}>
              <span className="text-slate-500">{l.time}</span>
              <span>{l.mark}</span>
              <span className="whitespace-pre-wrap break-words">{l.text}</span>
            </p>
          </div>
        ))}
      </div>
    </div>
  );
}
