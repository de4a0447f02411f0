import Link from 'next/link';
import { Card, PageHeader } from '@/components/ui';

export default function ContainerNotFound() {
  return (
    <div>
      <PageHeader title="No such container" />
      <Card>
        <p className="text-sm">
          There is no container at this address: the link may be mistyped, or it belongs to another vzferry.{' '}
          <Link href="/containers" className="text-sky-700 hover:underline">
            Search the containers
          </Link>{' '}
          by CTID, hostname or IP.
        </p>
      </Card>
    </div>
  );
}
