import type { Metadata } from 'next';
import { HostsView } from './hosts-view';

export const metadata: Metadata = { title: 'Source hosts' };

export default function HostsPage() {
  return <HostsView />;
}
