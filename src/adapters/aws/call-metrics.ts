import type { HandlerExecutionContext, Pluggable } from '@smithy/types';

/** One AWS call as the metrics see it: `eks` / `DescribeCluster`, how long (retries included) and the error name. */
export interface AwsCallObservation {
  service: string;
  operation: string;
  seconds: number;
  error?: string;
}
export type AwsCallObserver = (call: AwsCallObservation) => void;

/** An SDK middleware that times every command and reports its failure by the error's name (never its message). */
export function observeCalls<Input extends object, Output extends object>(
  observe: AwsCallObserver,
): Pluggable<Input, Output> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context: HandlerExecutionContext) => async (args) => {
          const service = (context.clientName ?? 'unknown').replace(/Client$/, '').toLowerCase();
          const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
          const started = performance.now();
          try {
            const result = await next(args);
            observe({ service, operation, seconds: (performance.now() - started) / 1000 });
            return result;
          } catch (error) {
            const name = error instanceof Error ? error.name : 'unknown';
            observe({ service, operation, seconds: (performance.now() - started) / 1000, error: name });
            throw error;
          }
        },
        { step: 'initialize', name: 'eksAccessCallMetrics', override: true },
      );
    },
  };
}
