/**
 * What a person relying on contrast or on a screen reader meets on a page: the theme's colours,
 * every visible text's contrast against what is behind it (WCAG 2.1 AA), and the accessible
 * name of every control as Chromium computes it.
 */
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** A text whose contrast is under what WCAG AA asks for its size. */
export interface ContrastFailure {
  text: string
  ratio: number
  required: number
  color: string
  background: string
}

/**
 * Every visible text on the page (text nodes, form values, placeholders of empty fields, SVG
 * text) whose contrast ratio against its composited background is below 4.5, or 3 for large
 * text (24 px, or 18.66 px bold). Disabled controls are exempt, as WCAG exempts inactive ones.
 */
export function textContrastFailures(page: Page): Promise<ContrastFailure[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number]
    // Any CSS colour (rgb(), color(srgb ...) from color-mix, ...) as the canvas paints it.
    const pixel = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!
    const parsed = new Map<string, Rgba>()
    const parse = (css: string): Rgba => {
      let rgba = parsed.get(css)
      if (!rgba) {
        pixel.clearRect(0, 0, 1, 1)
        pixel.fillStyle = css
        pixel.fillRect(0, 0, 1, 1)
        const [r, g, b, a] = pixel.getImageData(0, 0, 1, 1).data
        rgba = [r, g, b, a / 255]
        parsed.set(css, rgba)
      }
      return rgba
    }
    /** `top` painted over the opaque `bottom`. */
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top[3]
      return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1) as Rgba
    }
    const mix = (a: Rgba, b: Rgba, weight: number): Rgba => over([a[0], a[1], a[2], weight], b)
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }
    const ratio = (a: Rgba, b: Rgba) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
      return (hi + 0.05) / (lo + 0.05)
    }
    const css = ([r, g, b]: Rgba) => `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`

    /** The text colour and the background as they reach the screen, through backgrounds and opacity. */
    function composite(el: Element, color: Rgba): { text: Rgba; background: Rgba } {
      const chain: Element[] = []
      for (let e: Element | null = el; e; e = e.parentElement) chain.unshift(e)
      let backdrop: Rgba = [255, 255, 255, 1]
      const groups: { behind: Rgba; opacity: number }[] = []
      for (const node of chain) {
        const style = getComputedStyle(node)
        const opacity = Number(style.opacity)
        if (opacity < 1) groups.push({ behind: backdrop, opacity })
        backdrop = over(parse(style.backgroundColor), backdrop)
      }
      let text = over(color, backdrop)
      let background = backdrop
      for (const group of groups.reverse()) {
        text = mix(text, group.behind, group.opacity)
        background = mix(background, group.behind, group.opacity)
      }
      return { text, background }
    }

    const visible = (el: Element) => {
      const rect = el.getBoundingClientRect()
      if (rect.width <= 1 || rect.height <= 1 || getComputedStyle(el).visibility !== 'visible') return false
      // Visually hidden text (clipped to nothing) is for screen readers only.
      for (let e: Element | null = el; e; e = e.parentElement)
        if (getComputedStyle(e).clipPath !== 'none') return false
      return true
    }
    const exempt = (el: Element) =>
      el.closest(':disabled, [aria-disabled="true"], [aria-hidden="true"]') !== null

    const failures: ContrastFailure[] = []
    function check(el: Element, text: string, color: Rgba) {
      if (!text.trim() || exempt(el) || !visible(el)) return
      const style = getComputedStyle(el)
      const size = parseFloat(style.fontSize)
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700)
      const required = large ? 3 : 4.5
      const seen = composite(el, color)
      const r = ratio(seen.text, seen.background)
      if (r < required)
        failures.push({
          text: text.trim().slice(0, 40),
          ratio: Math.round(r * 100) / 100,
          required,
          color: css(seen.text),
          background: css(seen.background),
        })
    }

    for (const el of document.body.querySelectorAll('*')) {
      if (['SCRIPT', 'STYLE', 'TITLE', 'OPTION'].includes(el.tagName)) continue
      const style = getComputedStyle(el)
      const own = [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
      const isSvg = el instanceof SVGElement
      if (own.trim()) check(el, own, parse(isSvg ? style.fill : style.color))
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
        if (['checkbox', 'radio', 'range', 'color', 'file', 'hidden'].includes(el.type)) continue
        if (el.value) check(el, el.value, parse(style.color))
        else if (el.placeholder) check(el, el.placeholder, parse(getComputedStyle(el, '::placeholder').color))
      }
      if (el instanceof HTMLSelectElement) check(el, el.selectedOptions[0]?.text ?? '', parse(style.color))
    }
    return failures
  })
}

/** Relative luminance (0 black .. 1 white) of the page body's background and text colours. */
export function bodyLuminance(page: Page): Promise<{ background: number; text: number; scheme: string }> {
  return page.evaluate(() => {
    const lum = (cssColor: string) => {
      const [r, g, b] = (cssColor.match(/[\d.]+/g) ?? []).map(Number)
      const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }
    const style = getComputedStyle(document.body)
    return {
      background: lum(style.backgroundColor),
      text: lum(style.color),
      scheme: getComputedStyle(document.documentElement).colorScheme,
    }
  })
}

/**
 * Asserts the page is in `scheme` (dark: a near-black background under light text, and the
 * other way round) and every visible text meets WCAG AA contrast.
 */
export async function expectReadable(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  const body = await bodyLuminance(page)
  expect(body.scheme).toBe(scheme)
  if (scheme === 'dark') {
    expect(body.background).toBeLessThan(0.02)
    expect(body.text).toBeGreaterThan(0.7)
  } else {
    expect(body.background).toBeGreaterThan(0.85)
    expect(body.text).toBeLessThan(0.02)
  }
  expect(await textContrastFailures(page), `text under WCAG AA contrast on ${page.url()}`).toEqual([])
}

/** Roles a person operates, whose accessible name says what they do. */
const CONTROL_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'checkbox',
  'radio',
  'switch',
  'combobox',
  'listbox',
  'slider',
  'spinbutton',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'tab',
])

/**
 * Every problem with the page's labels: a control (by Chromium's accessibility tree) without an
 * accessible name, and an aria-labelledby or aria-describedby that names a missing element or
 * one without text. Each as a line naming the role or attribute and the element's start.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  const dangling = await page.evaluate(() =>
    [...document.querySelectorAll('[aria-labelledby], [aria-describedby]')].flatMap((el) =>
      ['aria-labelledby', 'aria-describedby'].flatMap((attribute) =>
        (el.getAttribute(attribute) ?? '')
          .split(/\s+/)
          .filter((id) => id && !document.getElementById(id)?.textContent?.trim())
          .map((id) => `${attribute}="${id}" names no element with text: ${el.outerHTML.slice(0, 100)}`),
      ),
    ),
  )
  const cdp = await page.context().newCDPSession(page)
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: {
        ignored: boolean
        role?: { value?: string }
        name?: { value?: string }
        backendDOMNodeId?: number
      }[]
    }
    const nameless = nodes.filter(
      (n) => !n.ignored && CONTROL_ROLES.has(n.role?.value ?? '') && !String(n.name?.value ?? '').trim(),
    )
    const described = await Promise.all(
      nameless.map(async (n) => {
        const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: n.backendDOMNodeId })) as {
          object: { objectId?: string }
        }
        const { result } = (await cdp.send('Runtime.callFunctionOn', {
          objectId: object.objectId,
          functionDeclaration: 'function () { return this.outerHTML.slice(0, 100) }',
          returnByValue: true,
        })) as { result: { value?: string } }
        return `${n.role?.value} without a name: ${result.value ?? '?'}`
      }),
    )
    return [...dangling, ...described]
  } finally {
    await cdp.detach()
  }
}
