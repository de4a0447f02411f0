import { NotFoundNotice } from '@/components/not-found-notice';

export default function CustomerNotFound() {
  return (
    <NotFoundNotice
      title="Customer not found"
      explanation="No customer has this id: the link may be mistyped, or the customer was never imported. Search the customers by name, e-mail, CTID or IP."
      back={{ href: '/customers', label: '← Customers' }}
    />
  );
}
