import { NotFoundNotice } from '@/components/not-found-notice';

export default function BatchNotFound() {
  return (
    <NotFoundNotice
      title="Batch not found"
      explanation="No batch has this id. Check the link, or pick the batch from the list."
      back={{ href: '/batches', label: '← Batches' }}
    />
  );
}
