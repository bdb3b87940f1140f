import { type BusOptions, TypedBus } from '../typed-bus';
import { InProcessBroker } from './broker';
import { InProcessTransport } from './in-process-transport';

export interface InProcessBusOptions extends BusOptions {
  /** Share one broker between the buses of services that must talk to each other; a private one otherwise. */
  readonly broker?: InProcessBroker;
}

/** The bus without a server, for the embedded backtest: same contract checks, dead letters and stats as NATS. */
export class InProcessBus extends TypedBus {
  readonly broker: InProcessBroker;

  constructor(options: InProcessBusOptions) {
    const broker = options.broker ?? new InProcessBroker({ clock: options.clock });
    super(new InProcessTransport(broker), options);
    this.broker = broker;
  }
}
