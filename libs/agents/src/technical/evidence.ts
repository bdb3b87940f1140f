import type { TechnicalComponent } from './technical-weights';

export interface Evidence {
  readonly component: TechnicalComponent;
  /** In [-1, 1]: + bullish, − bearish. */
  readonly value: number;
  readonly weight: number;
  readonly note: string;
}

/**
 * An Evidence whose note is formatted on first read (a backtest that does not keep the reasoning never pays for it).
 * A class with a prototype getter (cheaper to create than an own accessor): `toJSON` keeps its JSON the plain
 * {component, value, weight, note}.
 */
class LazyEvidence implements Evidence {
  #note: string | (() => string);

  constructor(
    readonly component: TechnicalComponent,
    readonly value: number,
    readonly weight: number,
    describe: () => string,
  ) {
    this.#note = describe;
  }

  get note(): string {
    if (typeof this.#note !== 'string') this.#note = this.#note();
    return this.#note;
  }

  toJSON(): Evidence {
    return { component: this.component, value: this.value, weight: this.weight, note: this.note };
  }
}

export function evidenceItem(
  component: TechnicalComponent,
  value: number,
  weight: number,
  describe: () => string,
): Evidence {
  return new LazyEvidence(component, value, weight, describe);
}
