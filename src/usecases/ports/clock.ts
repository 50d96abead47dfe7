/** Injected time, so use cases stay testable with a fixed clock. */
export interface Clock {
  now(): number;
}
