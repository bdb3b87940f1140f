export { ORDER_DEDUP_WINDOW_MS, type OrderChannels, orderChannels } from './channels';
export {
  DEFAULT_INTAKE_ACK_WAIT_MS,
  DEFAULT_INTAKE_MAX_DELIVER,
  fillEvents,
  type OrderIntake,
  type OrderIntakeOptions,
  OrderIntakeTimeoutError,
  publishOrder,
  republishFills,
  startOrderIntake,
} from './order-bus';
export { type CycleOrderIds, cycleOrderId, cycleOrders } from './order-sizing';
export {
  type BarExecution,
  type BarInput,
  type FillSink,
  PaperBroker,
  type PaperBrokerOptions,
} from './paper-broker';
