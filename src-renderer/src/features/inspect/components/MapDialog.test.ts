// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import MapDialog from './MapDialog.vue'
import type { DecodedLayer } from '../lib/types'

enableAutoUnmount(afterEach)

const layer: DecodedLayer = {
  name: 'conv1',
  type: 'Conv2D',
  height: 1,
  width: 1,
  channels: 3,
  values: new Float32Array([0, 1, 2]),
  min: 0,
  max: 2,
}

describe('MapDialog', () => {
  it('steps through the maps with the arrow keys while the focus is on its buttons', async () => {
    const view = mount(MapDialog, { props: { layer, channel: 0, scale: 'layer' }, attachTo: document.body })
    const close = view.findAll('button').find((b) => b.text() === 'Close')!
    await close.trigger('keydown', { key: 'ArrowRight' })
    await view.setProps({ channel: 1 })
    await close.trigger('keydown', { key: 'ArrowLeft' })
    await view.setProps({ channel: 0 })
    await close.trigger('keydown', { key: 'ArrowLeft' })
    expect(view.emitted('step')).toEqual([[1], [0], [2]])
  })
})
