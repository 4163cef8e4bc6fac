/** Shapes the inspector's components share. */

/** One layer's activations, decoded once: HWC float values and their range. */
export interface DecodedLayer {
  name: string
  type: string
  height: number
  width: number
  channels: number
  values: Float32Array
  min: number
  max: number
}

/** Colour scale of feature maps: shared by a layer's maps, or each map's own. */
export type MapScale = 'layer' | 'map'

/** A test image to show in a gallery. */
export interface GalleryItem {
  index: number
  label: number
  predicted: number
  confidence?: number
}
