export {
  stackProcesses,
  defaultPorts,
  repoRoot,
  type StackOptions,
  type StackPorts,
  type StackProcess,
} from './definition.js';
export { migrateStack, seedStack } from './migrate-stack.js';
