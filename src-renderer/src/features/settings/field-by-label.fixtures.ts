/** Component tests of the settings: a form field found as a person finds it, by its label. */
import type { VueWrapper } from '@vue/test-utils'

/** The control that the label reading `label` names, inside `view`. */
export function fieldByLabel(view: VueWrapper, label: string) {
  const id = view
    .findAll('label')
    .find((l) => l.text() === label)!
    .attributes('for')
  return view.get(`#${id}`)
}
