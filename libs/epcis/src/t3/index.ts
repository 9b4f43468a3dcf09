export * from './model';
export { t3Xml } from './xml';
export { t3Json } from './json';
export { t3Party, t3ProductMasterData } from './master-data';
