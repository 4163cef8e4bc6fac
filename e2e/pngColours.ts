/** Counting the pixels of given colours in a downloaded PNG, decoded by the page's browser. */
import type { Page } from 'playwright-core'

/**
 * How many pixels below the top `skipTop` fraction of the image (and above the `bottom` fraction)
 * are within a small distance of each colour (`[r, g, b]`); a pixel counts for the first colour
 * it is near.
 */
export async function countColours(
  page: Page,
  png: Buffer,
  colours: Record<string, [number, number, number]>,
  skipTop = 0.25,
  bottom = 1,
): Promise<Record<string, number>> {
  return page.evaluate(
    async ({ base64, colours, skipTop, bottom }) => {
      const image = new Image()
      image.src = `data:image/png;base64,${base64}`
      await image.decode()
      const canvas = document.createElement('canvas')
      canvas.width = image.width
      canvas.height = image.height
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(image, 0, 0)
      const top = Math.round(image.height * skipTop)
      const data = ctx.getImageData(0, top, image.width, Math.round(image.height * bottom) - top).data
      const entries = Object.entries(colours)
      const counts: Record<string, number> = Object.fromEntries(entries.map(([name]) => [name, 0]))
      for (let i = 0; i < data.length; i += 4) {
        const near = entries.find(
          ([, rgb]) =>
            Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 40,
        )
        if (near) counts[near[0]]++
      }
      return counts
    },
    { base64: png.toString('base64'), colours, skipTop, bottom },
  )
}

/**
 * How many pixels of a downloaded PNG are ink (darker than near-white) in vertical bands of it,
 * each `[from, to)` in pixels, within rows `[top, bottom)`: text or lines where the image should
 * be blank.
 */
export async function inkInColumns(
  page: Page,
  png: Buffer,
  bands: [number, number][],
  [top, bottom]: [number, number],
): Promise<number> {
  return page.evaluate(
    async ({ base64, bands, top, bottom }) => {
      const image = new Image()
      image.src = `data:image/png;base64,${base64}`
      await image.decode()
      const canvas = document.createElement('canvas')
      canvas.width = image.width
      canvas.height = image.height
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(image, 0, 0)
      let ink = 0
      for (const [from, to] of bands) {
        const data = ctx.getImageData(from, top, to - from, Math.min(bottom, image.height) - top).data
        for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 3 * 235) ink++
      }
      return ink
    },
    { base64: png.toString('base64'), bands, top, bottom },
  )
}
