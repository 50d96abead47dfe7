import type { Redis } from 'ioredis';

/**
 * WAIT blocks the connection it is sent on, and every ack shares one producer connection: one WAIT per ack would
 * queue each behind the previous one's replication round trip. A WAIT covers every write the server answered on
 * that connection before it, so acks arriving while one is in flight share the next WAIT, sent when it ends
 * (a group commit): one replication round trip for all of them.
 */
export interface WaitGroup {
  /** After a write on this connection was answered: how many replicas acknowledged it (WAIT's reply). */
  wait(replicas: number): Promise<number>;
}

interface NextRound {
  replicas: number;
  promise: Promise<number>;
  settle(round: Promise<number>): void;
}

export function createWaitGroup(redis: Redis, timeoutMs: number): WaitGroup {
  let isInFlight = false;
  let next: NextRound | undefined;
  const send = (replicas: number): Promise<number> => {
    isInFlight = true;
    const round = redis.call('WAIT', replicas, timeoutMs).then(Number);
    void round
      .catch(() => undefined)
      .then(() => {
        isInFlight = false;
        const waiting = next;
        next = undefined;
        // Sent only now, after every write its waiters made was answered: it covers them all.
        if (waiting) waiting.settle(send(waiting.replicas));
      });
    return round;
  };
  return {
    wait(replicas) {
      if (!isInFlight) return send(replicas);
      if (next) {
        next.replicas = Math.max(next.replicas, replicas);
        return next.promise;
      }
      let settle: (round: Promise<number>) => void = () => undefined;
      const promise = new Promise<number>((resolve, reject) => {
        settle = (round) => round.then(resolve, reject);
      });
      next = { replicas, promise, settle };
      return promise;
    },
  };
}
