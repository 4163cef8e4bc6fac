/**
 * What a worker writes about one run while it holds the run's job: events on the run's stream and
 * the run's artifact hash. Every write checks, inside Redis, that the job's lock is still this
 * worker's (its token): a worker that lost the run (stalled, taken over by another) can no longer
 * change what the app collects.
 */
import type { Redis } from 'ioredis'
import type { RemoteEvent } from '@common/remote-run'
import { artifactFields, type RunArtifact } from './artifact'
import { STREAM_MAX_EVENTS, runKeys } from './keys'

/** KEYS: lock, events stream, [artifact hash]; ARGV: token, stream length, event, [hash fields]. */
const FENCED_WRITE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if #KEYS > 2 then
  redis.call('DEL', KEYS[3])
  redis.call('HSET', KEYS[3], unpack(ARGV, 4))
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[3])
return 1
`

/** The writes of one worker for one run, under the job's lock. */
export class RunChannel {
  private readonly keys: ReturnType<typeof runKeys>

  constructor(
    private readonly redis: Redis,
    runId: string,
    /** BullMQ's lock key of the job (`<prefix>:<queue>:<job id>:lock`). */
    private readonly lockKey: string,
    private readonly token: string,
  ) {
    this.keys = runKeys(runId)
  }

  /** Appends an event; false when the job's lock is no longer ours (nothing is written then). */
  async event(event: RemoteEvent): Promise<boolean> {
    const written = await this.redis.eval(
      FENCED_WRITE,
      2,
      this.lockKey,
      this.keys.events,
      this.token,
      String(STREAM_MAX_EVENTS),
      JSON.stringify(event),
    )
    return written === 1
  }

  /** Replaces the run's artifact and announces it on the stream, both or neither. */
  async artifact(artifact: RunArtifact): Promise<boolean> {
    const event: RemoteEvent = { type: 'artifact', checkpointEpoch: artifact.checkpointEpoch }
    const written = await this.redis.eval(
      FENCED_WRITE,
      3,
      this.lockKey,
      this.keys.events,
      this.keys.artifact,
      this.token,
      String(STREAM_MAX_EVENTS),
      JSON.stringify(event),
      ...artifactFields(artifact),
    )
    return written === 1
  }
}
