// Customers: the list, and the CSV upload's answer. A file with bad rows is
// refused as a whole (422 customers_invalid) and the error's details list
// every bad row with its line.
import { safeText } from '@vzferry/core/safe-text';
import { z } from 'zod';

export const customerQuerySchema = z.object({
  q: safeText('the search contains a NUL byte; remove it')
    .trim()
    .max(200, 'the search is longer than 200 characters')
    .optional(),
});

export const customerListSchema = z.array(
  z.object({ id: z.string(), name: z.string(), email: z.string(), timezone: z.string(), containers: z.number().int() }),
);
export type CustomerListItem = z.output<typeof customerListSchema>[number];

export const customerImportSchema = z.object({
  customersCreated: z.number().int(),
  customersUpdated: z.number().int(),
  containersAssigned: z.number().int(),
});
export type CustomerImport = z.output<typeof customerImportSchema>;

/** The details of a customers_invalid error. */
export const customerRowErrorsSchema = z.array(z.object({ line: z.number().int(), reason: z.string() }));
export type CustomerRowError = z.output<typeof customerRowErrorsSchema>[number];
