export * from './authorization';
export * from './model';
export { LICENCES_BY_ROLE } from './rules';
export * from './verdict';
