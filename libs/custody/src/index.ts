export * from './authorization';
export * from './verdict';
