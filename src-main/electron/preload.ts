/**
 * The preload of the main window. It exposes `window.workbench` (see WorkbenchBridge): one
 * function per request channel of the contract and one subscribe function per event channel.
 * It never exposes ipcRenderer itself, so the page can reach nothing but the contract.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENT_CHANNELS, REQUEST_CHANNELS } from '@common/channels'

const requests = Object.fromEntries(
  REQUEST_CHANNELS.map((channel) => [
    channel,
    /** Sends this request to main, which validates it and answers with a typed result. */
    (payload: unknown) => ipcRenderer.invoke(channel, payload),
  ]),
)

const events = Object.fromEntries(
  EVENT_CHANNELS.map((channel) => [
    channel,
    /** Calls `listener` with each payload of this event; returns the function that unsubscribes. */
    (listener: (payload: unknown) => void) => {
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload)
      ipcRenderer.on(channel, forward)
      return () => {
        ipcRenderer.removeListener(channel, forward)
      }
    },
  ]),
)

contextBridge.exposeInMainWorld('workbench', { requests, events })
