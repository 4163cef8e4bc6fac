import type { EmitEvent, RequestHandlers } from '@common/contract'
import type { RunInspector } from '../../engine/inspect'

/** `inspect.*`: one image's activations, the test-set evaluation, and test images by index. */
export function createInspectHandlers(ctx: {
  home: string
  emit: EmitEvent
}): Pick<RequestHandlers, 'inspect.activations' | 'inspect.evaluate' | 'inspect.images'> {
  let inspector: Promise<RunInspector> | null = null
  // tfjs loads on the first inspection, not when the app starts.
  const open = () =>
    (inspector ??= import('../../engine/inspect').then(
      ({ RunInspector }) =>
        new RunInspector({
          home: ctx.home,
          // One event per chunk of 200 images, about ten a second: no throttle needed.
          onProgress: (runId, done, total) => ctx.emit('inspect.progress', { runId, done, total }),
        }),
    ))
  return {
    'inspect.activations': async ({ runId, image }) => (await open()).activations(runId, image),
    'inspect.evaluate': async ({ runId }) => (await open()).evaluate(runId),
    'inspect.images': async ({ runId, indices }) => (await open()).images(runId, indices),
  }
}
