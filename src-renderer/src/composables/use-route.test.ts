// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { settle } from '../api/testing'
import { navigate, useRoute } from './use-route'

describe('useRoute', () => {
  it('follows the address bar and changes it, so Back and a reload keep the view', async () => {
    const { route } = useRoute()
    window.location.hash = '#/runs/20260101-000000-a'
    await settle()
    expect(route.value).toEqual({ view: 'run', id: '20260101-000000-a' })

    navigate({ view: 'compare' })
    await settle()
    expect(window.location.hash).toBe('#/compare')
    expect(route.value).toEqual({ view: 'compare' })

    navigate({ view: 'settings' }, { replace: true })
    expect(route.value).toEqual({ view: 'settings' })
    expect(window.location.hash).toBe('#/settings')
  })
})
