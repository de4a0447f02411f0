import Link from 'next/link';
import { Card, PageHeader } from '@/components/ui';

export default function CustomerNotFound() {
  return (
    <div>
      <PageHeader title="No such customer" />
      <Card>
        <p className="text-sm">
          There is no customer at this address: the link may be mistyped, or the customer was never imported.{' '}
          <Link href="/customers" className="text-sky-700 hover:underline">
            Search the customers
          </Link>{' '}
          by name, e-mail, CTID or IP.
        </p>
      </Card>
    </div>
  );
}
