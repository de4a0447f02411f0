import { describe, expect, it } from 'vitest';
import type { InventoryState } from '@/api/overview';
import { emptyInventory } from './inventory-empty-state';

type Host = InventoryState['hosts'][number];
const host = (name: string, over: Partial<Host> = {}): Host => ({
  name,
  hostKeyState: 'accepted',
  lastImport: null,
  imported: false,
  ...over,
});
const state = (...hosts: Host[]): InventoryState => ({ containers: 0, hosts });

describe('emptyInventory', () => {
  it('asks for a source host when there is none', () => {
    expect(emptyInventory(state())).toEqual({
      message: 'No containers yet: add a source host and import its inventory.',
      busy: false,
    });
  });

  it("says the demo is importing while the seed's imports run", () => {
    const seeding = state(
      host('hv1', { lastImport: { status: 'running', requestedBy: 'seed' } }),
      host('hv2', { lastImport: { status: 'queued', requestedBy: 'seed' } }),
    );
    expect(emptyInventory(seeding)).toEqual({
      message: "No containers yet: the demo is importing them from the lab's hypervisors…",
      busy: true,
    });
  });

  it("names the hosts of an engineer's import under way", () => {
    const importing = state(
      host('hv1', { lastImport: { status: 'running', requestedBy: 'eng@example.com' } }),
      host('hv2'),
    );
    expect(emptyInventory(importing)).toEqual({ message: 'No containers yet: importing them from hv1…', busy: true });
  });

  it('says what to do when nothing is under way', () => {
    expect(emptyInventory(state(host('hv1', { lastImport: { status: 'failed', requestedBy: 'seed' } }))).message).toBe(
      'No containers yet: the import from hv1 failed. The Source hosts page says why.',
    );
    expect(emptyInventory(state(host('hv1', { hostKeyState: 'pending' }))).message).toMatch(
      /accept the SSH host key of hv1 on the Source hosts page/,
    );
    expect(emptyInventory(state(host('hv1')))).toEqual({
      message: 'No containers yet: import the containers of hv1 on the Source hosts page.',
      busy: false,
    });
  });

  it('waits while a new host key is being read', () => {
    expect(emptyInventory(state(host('hv1', { hostKeyState: 'unknown' })))).toEqual({
      message: 'No containers yet: reading the SSH host key of hv1…',
      busy: true,
    });
  });

  it('is a plain empty state once an import finished and found nothing', () => {
    expect(emptyInventory(state(host('hv1', { imported: true })))).toEqual({
      message: 'No containers: the last imports found none on the source hosts.',
      busy: false,
    });
  });
});
