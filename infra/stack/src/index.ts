export {
  stackProcesses,
  defaultPorts,
  repoRoot,
  type StackOptions,
  type StackPorts,
  type StackProcess,
} from './definition.js';
export { migrateStack } from './migrate-stack.js';
