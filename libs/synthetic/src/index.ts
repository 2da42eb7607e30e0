export * from './generator.ts';
export { Random } from './random.ts';
