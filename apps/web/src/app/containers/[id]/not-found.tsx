import { NotFoundNotice } from '@/components/not-found-notice';

export default function ContainerNotFound() {
  return (
    <NotFoundNotice
      title="Container not found"
      explanation="No container has this id. Check the link, or search for the container by its CTID, hostname or IP."
      back={{ href: '/containers', label: '← Containers' }}
    />
  );
}
