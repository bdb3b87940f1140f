export {
  type PlannedProcess,
  parseStackArgs,
  planStack,
  STACK_APPS,
  type StackArgs,
  type StackPlan,
} from './plan';
export { type RunningStack, STOP_GRACE_MS, type StackOptions, type StackProcess, startStack } from './runner';
