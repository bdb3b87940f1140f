/**
 * Reasoning texts formatted on first read. A backtest that does not keep the text never pays for formatting it; one
 * that reads it gets the same string, and JSON / spread / zod see an ordinary enumerable string property in the
 * same key order. The getter is one shared function per key (so V8 shares the objects' hidden classes), and the
 * pending formatter sits in a non-enumerable symbol slot, replaced by the text once formatted.
 */

interface LazyAccessor {
  readonly slot: symbol;
  readonly descriptor: PropertyDescriptor;
}

const accessors = new Map<string, LazyAccessor>();

function accessorFor(key: string): LazyAccessor {
  let accessor = accessors.get(key);
  if (accessor === undefined) {
    const slot = Symbol(`lazy ${key}`);
    const descriptor: PropertyDescriptor = {
      get(this: Record<symbol, unknown>): string {
        const pending = this[slot];
        if (typeof pending === 'string') return pending;
        const text = (pending as () => string)();
        this[slot] = text;
        return text;
      },
      enumerable: true,
      configurable: true,
    };
    accessor = { slot, descriptor };
    accessors.set(key, accessor);
  }
  return accessor;
}

/**
 * Adds `key` to `before` as a text built by `format` when first read, then the properties of `after`: the result's
 * keys are before's, key, after's, in that order. `before` is modified and returned.
 */
export function withLazyText<B extends object, K extends string, A extends object>(
  before: B,
  key: K,
  format: () => string,
  after?: A,
): B & Readonly<Record<K, string>> & A {
  const { slot, descriptor } = accessorFor(key);
  Object.defineProperty(before, slot, {
    value: format,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  Object.defineProperty(before, key, descriptor);
  if (after !== undefined) Object.assign(before, after);
  return before as B & Readonly<Record<K, string>> & A;
}
