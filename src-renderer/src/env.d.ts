/// <reference types="vite/client" />
import type { WorkbenchBridge } from '@common/contract'

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

declare global {
  interface Window {
    /** Present in the desktop app (set by the preload); absent in a browser. */
    workbench?: WorkbenchBridge
  }
}
