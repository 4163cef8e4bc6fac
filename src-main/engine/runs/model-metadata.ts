/**
 * What an exported model says about how to feed it, in model.json's `userDefinedMetadata`
 * (tfjs reads it back with `model.getUserDefinedMetadata()`): the input's shape, how a picture
 * becomes it (resize and fit, colour, the pixel scaling the notebook uses) and the class names
 * in the order of the outputs, which are logits. A program that knows nothing of the workbench
 * can prepare an image and name the prediction from this alone.
 */
import type { RunRecord } from '@common/contract'
import type { ImageInput } from '@common/datasets'
import { DIGIT_CLASS_NAMES, NAMED_DATASETS } from '../data'

/** One byte value x of a pixel channel becomes x * scale + offset, which is (x/255 - 0.5) / 0.5. */
export const PIXEL_SCALING = { scale: 1 / 127.5, offset: -1 } as const

/** The metadata of an exported model (plain JSON). */
export interface ModelMetadata {
  /** [height, width, channels] of one image, batch first: the model takes [n, height, width, channels]. */
  inputShape: [number, number, number]
  /** 'rgb': three channels in RGB order, interleaved; 'grey': one channel. */
  color: ImageInput['color']
  /** How the workbench resized its training images (a square of `inputShape`'s side). */
  resize: { size: number; fit: ImageInput['fit']; how: string }
  /** How grey was made from colour, when the input is grey. */
  grey: string | null
  pixelScaling: { scale: number; offset: number; range: [number, number]; formula: string }
  classNames: string[]
  output: string
  /** What else the data set's images had in common (MNIST's framing), or null. */
  notes: string | null
}

const FIT_HOW: Record<ImageInput['fit'], string> = {
  crop: 'scale the shorter side to the size, then cut the centre square',
  pad: 'scale the longer side to the size, then pad both sides with black to a square',
  stretch: 'scale width and height to the size independently',
}

/** The metadata of a run's model whose input layer takes `inputShape`. */
export function modelMetadata(record: RunRecord, inputShape: [number, number, number]): ModelMetadata {
  const ref = record.config.dataset
  const [rows, , channels] = inputShape
  const color = channels === 3 ? 'rgb' : 'grey'
  const fit = ref.kind === 'folder' ? (ref.fit ?? 'crop') : 'stretch'
  const classNames =
    record.dataset?.classNames ??
    (ref.kind === 'folder' ? [...DIGIT_CLASS_NAMES] : [...NAMED_DATASETS[ref.kind].classNames])
  return {
    inputShape,
    color,
    resize: {
      size: rows,
      fit,
      how: `${FIT_HOW[fit]} (the workbench resizes with Lanczos-3, libvips' default)`,
    },
    grey:
      color === 'grey'
        ? "ITU-R 601-2 luma of the sRGB values: L = (19595 R + 38470 G + 7471 B + 32768) >> 16, as PIL's convert('L')"
        : null,
    pixelScaling: {
      ...PIXEL_SCALING,
      range: [-1, 1],
      formula: 'x / 127.5 - 1 for each 8-bit channel value x (0 to 255)',
    },
    classNames,
    output: 'logits, one per class in classNames order; softmax gives probabilities',
    notes:
      ref.kind === 'folder'
        ? null
        : 'MNIST-style: white ink on black, the digit scaled to fit 20x20 and centred by its mass in 28x28',
  }
}
