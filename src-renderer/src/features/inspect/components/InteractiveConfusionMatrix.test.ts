// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { evaluation } from '../inspect.fixtures'
import InteractiveConfusionMatrix from './InteractiveConfusionMatrix.vue'

enableAutoUnmount(afterEach)

describe('InteractiveConfusionMatrix', () => {
  it('names each cell, shades it by its share of the row, and lists the images of a chosen one', async () => {
    const { confusion, classNames } = evaluation('a', 1)
    const matrix = mount(InteractiveConfusionMatrix, {
      props: { confusion, classNames, selected: { label: 0, predicted: 1 } },
    })
    const cells = matrix.findAll('button.cell')
    expect(cells.map((c) => c.attributes('aria-label'))).toEqual([
      'True zero, predicted zero: 1 images',
      'True zero, predicted one: 1 images',
      'True one, predicted zero: 0 images',
      'True one, predicted one: 2 images',
    ])
    expect(cells.map((c) => (c.element as HTMLElement).style.getPropertyValue('--share'))).toEqual([
      '0.5',
      '0.5',
      '0',
      '1',
    ])
    expect(cells[1].attributes('aria-pressed')).toBe('true')
    expect(cells[2].attributes('disabled')).toBeDefined()
    // Precision, recall and F1 of each class: class one takes class zero's mistake.
    expect(matrix.findAll('th.acc').map((th) => th.text())).toEqual(['Precision', 'Recall', 'F1'])
    expect(matrix.findAll('td.acc').map((td) => td.text())).toEqual([
      '100.0%',
      '50.0%',
      '66.7%',
      '66.7%',
      '100.0%',
      '80.0%',
    ])

    await cells[3].trigger('click')
    await cells[2].trigger('click')
    expect(matrix.emitted('select')).toEqual([[1, 1]])
  })
})
