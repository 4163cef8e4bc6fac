/**
 * Looking inside a trained network, on the main side.
 *
 *   new RunInspector({ home, onProgress })   activations(runId, image), evaluate(runId), images(runId, indices)
 *   preprocessMnist(image, rows, cols)       a drawing framed like MNIST's digits
 *   loadCheckpointModel(checkpointsDir)      a run's newest checkpoint as a model for inference
 */
export { RunInspector, pickImage, type InspectImage, type RunInspectorOptions } from './inspector'
export { preprocessMnist, resizeImage, type GreyImage } from './preprocess'
export { loadCheckpointModel, type CheckpointModel } from './checkpoint-model'
export { createLayerProbe, softmax, type LayerProbe } from './probe'
export { evaluateModel, type Evaluation } from './evaluate'
export { encodeTensor, decodeTensor } from './encode'
