/** Another writer changed the run's portfolio between our read and our write, on every attempt we made. */
export class StateConflictError extends Error {
  constructor(
    readonly runId: string,
    readonly attempts: number,
    readonly operation: string,
  ) {
    super(`${operation} on run ${runId}: concurrent updates won ${attempts} attempt(s) in a row`);
    this.name = 'StateConflictError';
  }
}

/** One optimistic write lost its race (a version column no longer matched); retried by the store. */
export class VersionConflictError extends Error {
  constructor(
    readonly table: string,
    readonly key: string,
    readonly expectedVersion: number,
  ) {
    super(`${table} ${key}: version ${expectedVersion} was changed by another writer`);
    this.name = 'VersionConflictError';
  }
}

export class RunNotFoundError extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} does not exist`);
    this.name = 'RunNotFoundError';
  }
}

/** A fill names an order the store does not know. */
export class UnknownOrderError extends Error {
  constructor(readonly clientOrderId: string) {
    super(`order ${clientOrderId} is not recorded`);
    this.name = 'UnknownOrderError';
  }
}

/** An order with an existing clientOrderId but different terms: the id was reused, not redelivered. */
export class ConflictingOrderError extends Error {
  constructor(
    readonly clientOrderId: string,
    readonly field: string,
  ) {
    super(`order ${clientOrderId} already exists with a different ${field}`);
    this.name = 'ConflictingOrderError';
  }
}
