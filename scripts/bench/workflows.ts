/** The bench worker's bundle: every production workflow plus the no-op baseline (bench only, never shipped in src). */
export * from '../../src/workflows';
export { noopWorkflow } from './noop.workflow';
