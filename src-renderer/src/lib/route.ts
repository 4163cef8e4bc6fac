/**
 * The renderer's views, addressed by the URL hash (`#/runs/<id>`), so a reload keeps the view
 * and the open run. No router library: the app has a handful of views.
 */

/** One place in the app. */
export type Route =
  /** `from`: the id of a run whose settings the form opens with ("New run from this one"). */
  | { view: 'new'; from?: string }
  | { view: 'runs' }
  | { view: 'run'; id: string }
  | { view: 'inspect'; id: string }
  | { view: 'compare' }
  | { view: 'sweeps' }
  | { view: 'sweep'; id: string }
  | { view: 'new-sweep' }
  | { view: 'workers' }
  | { view: 'settings' }

export const DEFAULT_ROUTE: Route = { view: 'new' }

/** The route a hash names; anything unknown is the default view. */
export function parseHash(hash: string): Route {
  const whole = hash.replace(/^#\/?/, '')
  const mark = whole.indexOf('?')
  const [path, query] = mark < 0 ? [whole, ''] : [whole.slice(0, mark), whole.slice(mark + 1)]
  const parts = path
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => safeDecode(part))
  const [head, id] = parts
  switch (head) {
    case 'new': {
      const from = new URLSearchParams(query).get('from')
      return from ? { view: 'new', from } : { view: 'new' }
    }
    case 'runs':
      return id ? { view: 'run', id } : { view: 'runs' }
    case 'inspect':
      return id ? { view: 'inspect', id } : { view: 'runs' }
    case 'compare':
      return { view: 'compare' }
    case 'sweeps':
      return id ? { view: 'sweep', id } : { view: 'sweeps' }
    case 'new-sweep':
      return { view: 'new-sweep' }
    case 'workers':
      return { view: 'workers' }
    case 'settings':
      return { view: 'settings' }
    default:
      return DEFAULT_ROUTE
  }
}

/** The hash of a route, with a leading `#/`. */
export function routeHash(route: Route): string {
  switch (route.view) {
    case 'run':
      return `#/runs/${encodeURIComponent(route.id)}`
    case 'inspect':
      return `#/inspect/${encodeURIComponent(route.id)}`
    case 'new':
      return route.from ? `#/new?from=${encodeURIComponent(route.from)}` : '#/new'
    case 'sweep':
      return `#/sweeps/${encodeURIComponent(route.id)}`
    default:
      return `#/${route.view}`
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    // A hand-typed hash with a stray % is still a name, just not an encoded one.
    return part
  }
}
