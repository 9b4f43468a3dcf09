export * from './bootstrap';
export * from './config';
export * from './database';
export * from './kafka';
export * from './kafka.health';
export * from './modules';
export * from './problem.filter';
