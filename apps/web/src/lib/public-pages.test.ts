import { describe, expect, it } from 'vitest';
import { isPublicPage, safeNextPath } from './public-pages';

describe('public pages', () => {
  it('are the sign-in and setup pages only', () => {
    expect(isPublicPage('/sign-in')).toBe(true);
    expect(isPublicPage('/setup')).toBe(true);
    expect(isPublicPage('/sign-inx')).toBe(false);
    expect(isPublicPage('/')).toBe(false);
    expect(isPublicPage('/settings')).toBe(false);
  });
});

describe('the path after signing in', () => {
  it.each([
    ['/batches/1?tab=runs', '/batches/1?tab=runs'],
    [undefined, '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example/', '/'],
    ['/\tevil', '/'],
    ['javascript:alert(1)', '/'],
  ])('%j goes to %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});
