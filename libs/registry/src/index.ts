export * from './entities';
export * from './key-validity';
export { Partners1763780000000 } from './migrations/1763780000000-partners';
