import type { Metadata } from 'next';
import { RunView } from './run-view';

export const metadata: Metadata = { title: 'Migration run' };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  return <RunView id={(await params).id} />;
}
