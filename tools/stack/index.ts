export {
  type PlannedProcess,
  parseStackArgs,
  planStack,
  STACK_APPS,
  type StackArgs,
  type StackPlan,
} from './plan';
export { type RunningStack, STOP_GRACE_MS, type StackOptions, type StackProcess, startStack } from './runner';
export {
  DEFAULT_RESTART_POLICY,
  type ExitReason,
  type RestartPolicy,
  restartDelay,
  type SupervisedProcess,
  supervise,
} from './supervisor';
