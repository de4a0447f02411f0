// The search box every page has: a plain GET form to the customers page, so
// it works from anywhere (and before the page's scripts load); the
// customers page shows what it finds.
import Form from 'next/form';

export function SearchBox() {
  return (
    <Form action="/customers" role="search" className="mb-6 px-1">
      <input
        type="search"
        name="q"
        aria-label="Find a customer or container"
        placeholder="Name, e-mail, CTID, IP"
        maxLength={200}
        className="w-full rounded-md border border-slate-700 bg-slate-800 px-2.5 py-1.5 text-sm text-white placeholder:text-slate-400 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500"
      />
    </Form>
  );
}
