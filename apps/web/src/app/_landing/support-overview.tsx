// The support desk's landing page: look a customer up. A plain GET form, so
// it works before any script runs; the customers page answers `q`.
import { Button, inputClass, PageHeader } from '@/components/ui';

export function SupportOverview() {
  return (
    <div>
      <PageHeader
        title="Find a customer"
        subtitle="Search by customer name, e-mail, container hostname, CTID or IP address."
      />
      <form method="get" action="/customers" role="search" className="flex max-w-2xl flex-wrap gap-2">
        <input
          type="search"
          name="q"
          required
          aria-label="Customer, container or IP"
          placeholder="e.g. Example GmbH, ct101.example.net, 10.12.0.6"
          className={`${inputClass} min-w-0 flex-1`}
        />
        <Button type="submit">Search</Button>
      </form>
    </div>
  );
}
