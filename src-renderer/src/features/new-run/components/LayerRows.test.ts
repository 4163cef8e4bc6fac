// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import type { DenseLayerForm } from '../lib/run-form'
import LayerRows, { type LayerColumn } from './LayerRows.vue'

enableAutoUnmount(afterEach)

const columns: LayerColumn<DenseLayerForm>[] = [
  { key: 'units', head: 'Units', name: 'units', width: '80px', inputmode: 'numeric' },
  { key: 'dropout', head: 'Dropout', name: 'dropout', width: '72px', inputmode: 'decimal' },
  { key: 'batchNorm', head: 'BN', name: 'batch norm', width: '32px', checkbox: true },
]

function group(rows: DenseLayerForm[], errors: Record<string, string> = {}) {
  return mount(LayerRows<DenseLayerForm>, {
    props: {
      title: 'Dense layers',
      hint: '',
      rows,
      columns,
      rowName: 'Dense layer',
      path: 'architecture.denseLayers',
      minRows: 0,
      maxRows: 2,
      addLabel: 'Add dense layer',
      emptyHint: 'None: flatten goes straight to the output layer.',
      errors,
    },
  })
}

describe('LayerRows', () => {
  it('edits each layer in place and names every input by its row', async () => {
    const rows = [{ units: '500', activation: 'relu' as const, dropout: '0.4', batchNorm: false }]
    const view = group(rows)
    const units = view.get('[aria-label="Dense layer 1 units"]')
    await units.setValue('256')
    expect(rows[0].units).toBe('256')
    expect(units.attributes('data-field')).toBe('architecture.denseLayers.0.units')
    await view.get('[aria-label="Dense layer 1 batch norm"]').setValue(true)
    expect(rows[0].batchNorm).toBe(true)
  })

  it('shows each row’s errors below it and marks the inputs', () => {
    const rows = [
      { units: '500', activation: 'relu' as const, dropout: '0.4', batchNorm: false },
      { units: '0', activation: 'relu' as const, dropout: '2', batchNorm: false },
    ]
    const view = group(rows, {
      'architecture.denseLayers.1.units': 'Dense layer 2: units must be a whole number from 1 to 8,192.',
      'architecture.denseLayers.1.dropout': 'Dense layer 2: dropout must be a number from 0 to 0.95.',
    })
    const [, second] = view.findAll('[role="listitem"]')
    expect(second.findAll('.field-error').map((e) => e.text())).toEqual([
      'Dense layer 2: units must be a whole number from 1 to 8,192.',
      'Dense layer 2: dropout must be a number from 0 to 0.95.',
    ])
    expect(second.get('[aria-label="Dense layer 2 units"]').attributes('aria-invalid')).toBe('true')
    expect(view.get('[aria-label="Dense layer 1 units"]').attributes('aria-invalid')).toBeUndefined()
  })

  it('adds and removes within the limits, and says what an empty group means', async () => {
    const view = group([])
    expect(view.text()).toContain('None: flatten goes straight to the output layer.')
    await view.get('button.add').trigger('click')
    expect(view.emitted('add')).toHaveLength(1)

    await view.setProps({
      rows: [
        { units: '1', activation: 'relu', dropout: '0', batchNorm: false },
        { units: '2', activation: 'relu', dropout: '0', batchNorm: false },
      ],
    })
    expect(view.get('button.add').attributes('disabled')).toBeDefined()
    await view.get('[aria-label="Remove dense layer 2"]').trigger('click')
    expect(view.emitted('remove')).toEqual([[1]])
  })
})
