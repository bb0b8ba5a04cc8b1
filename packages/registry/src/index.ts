// The registry core; its modules are exported here as they land.
export * from './images/index.ts';
