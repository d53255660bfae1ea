import { workerData } from 'node:worker_threads';
import { runShardWorker, shardWorkerLogger, stderrLogger, TextCapture, type ShardWorkerData } from '@pakeana/framework/internal';
import { setupRun, type SessionFlagValues } from './run-setup.js';

/** What `read` hands each of its workers: its own flags, to build the same run. */
export interface ReadWorkerData {
  flags: SessionFlagValues;
}

/** A worker of `read --workers N` (started by bin/worker.js): the same run, on its share of the flows. */
async function work(): Promise<void> {
  const { input, shard, data } = workerData as ShardWorkerData<ReadWorkerData>;
  const output = new TextCapture();
  const setup = await setupRun(data.flags, { stdout: output.stream, shards: shard.count, logger: shardWorkerLogger(stderrLogger) });
  await runShardWorker(input, shard, { ...setup.pipeline, sinks: setup.sinks, pluginTimeout: setup.pluginTimeout }, output);
}

void work();
