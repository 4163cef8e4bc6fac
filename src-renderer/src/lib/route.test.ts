import { describe, expect, it } from 'vitest'
import { parseHash, routeHash } from './route'

describe('parseHash', () => {
  it('reads every view', () => {
    expect(parseHash('#/new')).toEqual({ view: 'new' })
    expect(parseHash('#/runs')).toEqual({ view: 'runs' })
    expect(parseHash('#/runs/2024-01-01_abc')).toEqual({ view: 'run', id: '2024-01-01_abc' })
    expect(parseHash('#/inspect/2024-01-01_abc')).toEqual({ view: 'inspect', id: '2024-01-01_abc' })
    expect(parseHash('#/compare')).toEqual({ view: 'compare' })
    expect(parseHash('#/settings/')).toEqual({ view: 'settings' })
    expect(parseHash('#/sweeps')).toEqual({ view: 'sweeps' })
    expect(parseHash('#/sweeps/sweep-1')).toEqual({ view: 'sweep', id: 'sweep-1' })
    expect(parseHash('#/new-sweep')).toEqual({ view: 'new-sweep' })
    expect(parseHash('#/workers')).toEqual({ view: 'workers' })
  })

  it('falls back to the new-run view', () => {
    expect(parseHash('')).toEqual({ view: 'new' })
    expect(parseHash('#/nowhere')).toEqual({ view: 'new' })
  })

  it('round-trips ids that need encoding', () => {
    const route = { view: 'run' as const, id: 'a b%c' }
    expect(parseHash(routeHash(route))).toEqual(route)
    expect(parseHash('#/runs/50%')).toEqual({ view: 'run', id: '50%' })
    expect(parseHash(routeHash({ view: 'sweep', id: 'x y' }))).toEqual({ view: 'sweep', id: 'x y' })
  })

  it('carries the run a new run starts from', () => {
    const route = { view: 'new' as const, from: '2024-01-01_a&b' }
    expect(routeHash(route)).toBe('#/new?from=2024-01-01_a%26b')
    expect(parseHash(routeHash(route))).toEqual(route)
    expect(parseHash('#/new?from=')).toEqual({ view: 'new' })
    expect(routeHash({ view: 'new' })).toBe('#/new')
  })
})
