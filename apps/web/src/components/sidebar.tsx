'use client';
// The app's frame: a sidebar on a wide screen; on a phone a bar with a Menu
// button that opens the same navigation (and closes again once a link is
// followed).
import Link from 'next/link';
import { useState } from 'react';
import { Nav } from './nav';
import { SearchBox } from './search-box';

export function Sidebar() {
  const [open, setOpen] = useState(false);
  return (
    <aside className="shrink-0 bg-slate-900 text-white md:w-56 md:px-3 md:py-5">
      <div className="flex items-center justify-between px-4 py-3 md:mb-6 md:block md:px-3 md:py-0">
        <Link href="/" className="block">
          <span className="block text-lg font-semibold">vzferry</span>
          <span className="block text-xs text-slate-400">OpenVZ → CloudStack</span>
        </Link>
        <button
          type="button"
          className="flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-slate-200 ring-1 ring-slate-700 ring-inset hover:bg-slate-800 md:hidden"
          aria-expanded={open}
          aria-controls="main-menu"
          onClick={() => setOpen((o) => !o)}
        >
          <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4 fill-current">
            {open ? (
              <path d="M5.3 4 10 8.6 14.7 4 16 5.3 11.4 10l4.6 4.7-1.3 1.3-4.7-4.6L5.3 16 4 14.7 8.6 10 4 5.3z" />
            ) : (
              <path d="M3 5h14v2H3zm0 4h14v2H3zm0 4h14v2H3z" />
            )}
          </svg>
          Menu
        </button>
      </div>
      <div
        id="main-menu"
        className={`${open ? 'block' : 'hidden'} px-3 pb-3 md:block md:p-0`}
        onClick={(e) => {
          if (e.target instanceof Element && e.target.closest('a')) setOpen(false);
        }}
      >
        <SearchBox />
        <Nav />
      </div>
    </aside>
  );
}
