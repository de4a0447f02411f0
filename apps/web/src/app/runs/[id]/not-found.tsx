import { NotFoundNotice } from '@/components/not-found-notice';

export default function RunNotFound() {
  return (
    <NotFoundNotice
      title="Migration run not found"
      explanation="No migration run has this id. Check the link, or find the container's runs on its batch or container page."
      back={{ href: '/batches', label: '← Batches' }}
    />
  );
}
