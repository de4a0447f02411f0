import { REPORT_TABLES } from '@vzferry/core';
import { describe, expect, it } from 'vitest';
import { REPORT_TABLE_NAMES } from '@/api/report';

describe('the report tables the browser offers', () => {
  it('are the tables core writes as CSV', () => {
    expect([...REPORT_TABLE_NAMES]).toEqual([...REPORT_TABLES]);
  });
});
