/** A reason the process cannot start that the operator fixes outside eks-access; printed without a stack, exit 1. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
