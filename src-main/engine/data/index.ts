/**
 * Data sets of the workbench: the built-in MNIST, Fashion-MNIST and MNIST downloaded from their
 * mirrors, and folders (class subfolders of images, CIFAR-10 batches, IDX files). Everything
 * outside this folder imports from here.
 *
 *   loadDataset(ref, { home, onProgress })          parsed or decoded, validated, cached by ref
 *   normalizePixels(pixels, out?)                   (x/255 - 0.5) / 0.5, like the notebook
 *   describeDatasets({ home, dataFolder })          what can be picked, and why not
 *   previewDataset(ref, count, { home })            images of every class, class counts
 *   buildAugmentPreview(dataset, augmentation, seed, count)   training images, stored and augmented
 *   downloadDataset(name, { home, onProgress, mirrors, signal })
 *   datasetTitle(ref)
 */
export { loadDataset, clearDatasetCache, type Dataset, type LoadOptions } from './load'
export type { DecodeProgress } from './image-set'
export { decodeImage, decoderReason } from './decode-image'
export type { DatasetSplit } from './idx-set'
export { normalizePixels } from './normalize'
export { describeDatasets } from './describe'
export { buildAugmentPreview, classCounts, previewDataset } from './preview'
export {
  allowsHorizontalFlip,
  checkAugmentation,
  drawTransform,
  warpImage,
  type ImageTransform,
} from './augment'
export { downloadDataset, type DownloadDatasetOptions } from './download-dataset'
export { throttleProgress, type ProgressThrottle } from './progress-throttle'
export {
  datasetTitle,
  classNamesOf,
  DIGIT_CLASS_NAMES,
  FASHION_CLASS_NAMES,
  NAMED_DATASETS,
  type NamedDataset,
} from './catalog'
