import type { RequestHandlers } from '@common/contract'
import { summarizeModel } from '../../engine/model/architecture'

/** `model.summary`: layers, output shapes and parameter counts, computed without tfjs. */
export function createModelHandlers(): Pick<RequestHandlers, 'model.summary'> {
  return {
    'model.summary': async ({ architecture, inputShape, numClasses }) =>
      summarizeModel(architecture, inputShape, numClasses),
  }
}
