import { NotFoundNotice } from '@/components/not-found-notice';

export default function NotFound() {
  return (
    <NotFoundNotice
      title="Page not found"
      explanation="There is no page at this address. It may have been mistyped, or the link that led here is out of date."
      back={{ href: '/', label: '← Overview' }}
    />
  );
}
