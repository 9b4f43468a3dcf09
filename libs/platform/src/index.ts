export * from './bootstrap';
export * from './config';
export * from './database';
export * from './kafka';
export * from './health.controller';
export * from './modules';
export * from './problem.filter';
export * from './dev-secret';
