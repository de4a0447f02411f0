export * from './host-keys';
export * from './imports';
export { applyInventory, type InventoryCounts } from './apply-inventory';
