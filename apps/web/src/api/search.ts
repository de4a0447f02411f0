// Support's search box: what it takes and what it answers. Customers come
// with how they matched (themselves, or through one of their containers);
// containers with theirs. Best matches first: exact, then partial, then
// similar (a typo).
import { safeText } from '@vzferry/core/safe-text';
import { z } from 'zod';

export const SEARCH_MAX_CHARS = 200;

export const searchQuerySchema = z.object({
  q: safeText('the search contains a NUL byte; remove it')
    .refine((s) => s.length <= SEARCH_MAX_CHARS, `the search is longer than ${SEARCH_MAX_CHARS} characters; shorten it`)
    .default(''),
});

const match = z.object({
  quality: z.enum(['exact', 'partial', 'similar']),
  field: z.enum(['name', 'email', 'ip', 'ctid', 'hostname']),
});
export type SearchMatch = z.output<typeof match>;

export const searchResultSchema = z.object({
  query: z.string(),
  customers: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      email: z.string(),
      timezone: z.string(),
      containers: z.number().int(),
      match: match.extend({
        /** the container it matched through */
        container: z
          .object({ id: z.string(), sourceCtid: z.number().int(), hostname: z.string().nullable() })
          .nullable(),
      }),
    }),
  ),
  containers: z.array(
    z.object({
      id: z.string(),
      sourceCtid: z.number().int(),
      hostname: z.string().nullable(),
      hostName: z.string(),
      migrationState: z.string(),
      ips: z.array(z.string()),
      customer: z.object({ id: z.string(), name: z.string() }).nullable(),
      match,
    }),
  ),
});
export type SearchResult = z.output<typeof searchResultSchema>;
export type CustomerHit = SearchResult['customers'][number];
export type ContainerHit = SearchResult['containers'][number];
