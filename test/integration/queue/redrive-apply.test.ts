import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { JOB, jobId, QUEUE_NAME } from '../../../src/adapters/queue/jobs.ts';
import { createProducer } from '../../../src/adapters/queue/producer.ts';
import { asRequestId } from '../../../src/core/ids.ts';
import { testRedis } from '../../support/redis.ts';

const { redis, prefix } = testRedis();
const producer = createProducer(redis, prefix);
afterAll(async () => {
  await producer.close();
  await redis.quit();
});

describe('re-driving an apply job', () => {
  it('adds a job when there is none, and not while one is waiting', async () => {
    const id = asRequestId('R1REDRIVENEW');

    const first = await producer.redriveApply(id);
    const second = await producer.redriveApply(id);

    expect([first, second]).toEqual([true, false]);
    expect(await (await producer.queue.getJob(jobId('apply', id)))?.getState()).toBe('waiting');
  });

  it('replaces a job BullMQ failed (its id would otherwise swallow a new add) with a fresh one', async () => {
    const id = asRequestId('R1REDRIVEFAILED');
    await producer.enqueueApply(id);
    const worker = new Worker(
      QUEUE_NAME,
      async (job) => {
        if (job.name === JOB.apply) throw new UnrecoverableError('as if it had stalled too often');
      },
      { connection: redis.duplicate(), prefix },
    );
    await new Promise<void>((resolve) =>
      worker.on('failed', (job) => {
        if (job?.id === jobId('apply', id)) resolve();
      }),
    );
    await worker.close();
    const stateBefore = await (await producer.queue.getJob(jobId('apply', id)))?.getState();
    const ignored = await producer.queue.add(JOB.apply, { requestId: id }, { jobId: jobId('apply', id) });
    const stateAfterAdd = await (await producer.queue.getJob(jobId('apply', id)))?.getState();

    const again = await producer.redriveApply(id);
    const job = await producer.queue.getJob(jobId('apply', id));

    expect(stateBefore).toBe('failed');
    expect(ignored.id).toBe(jobId('apply', id));
    expect(stateAfterAdd).toBe('failed');
    expect(again).toBe(true);
    expect(await job?.getState()).toBe('waiting');
    expect(job?.attemptsMade).toBe(0);
  });
});
