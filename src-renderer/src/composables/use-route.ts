import { readonly, ref } from 'vue'
import { parseHash, routeHash, type Route } from '../lib/route'

const route = ref<Route>(parseHash(window.location.hash))
let listening = false

/**
 * The current view, from the URL hash; `navigate` changes it (and the history, so Back works).
 * One listener for the whole app.
 */
export function useRoute() {
  if (!listening) {
    listening = true
    window.addEventListener('hashchange', () => {
      route.value = parseHash(window.location.hash)
    })
  }
  return { route: readonly(route), navigate }
}

/** Show another view. */
export function navigate(next: Route, options: { replace?: boolean } = {}): void {
  const hash = routeHash(next)
  if (options.replace) {
    window.history.replaceState(null, '', hash)
    route.value = parseHash(hash)
  } else if (window.location.hash !== hash) {
    window.location.hash = hash
  }
}
