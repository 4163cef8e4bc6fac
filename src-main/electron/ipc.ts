import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { REQUEST_CHANNELS } from '@common/channels'
import { dispatch, type ErrorLogger } from '../api/dispatch'
import type { ApiResult, EmitEvent, RequestHandlers } from '@common/contract'

/** The part of Electron's WebFrameMain the check needs: its page, and its parent frame (null at the top). */
export interface SenderFrame {
  url: string
  parent: unknown
}

/**
 * Only our own window's top frame, showing our own page, may call the API: not a frame inside
 * it (were one ever loaded), even one that shows our page too.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appUrl: string): boolean {
  if (!frame || frame.parent !== null) return false
  try {
    const frameUrl = new URL(frame.url)
    const app = new URL(appUrl)
    if (app.protocol === 'file:') return frameUrl.protocol === 'file:' && frameUrl.pathname === app.pathname
    return frameUrl.origin === app.origin
  } catch {
    return false
  }
}

/** Register exactly the contract's handlers, each checking its sender before dispatching. */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: RequestHandlers,
  appUrl: string,
  logError: ErrorLogger,
): void {
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(
      channel,
      async (event: IpcMainInvokeEvent, payload: unknown): Promise<ApiResult<unknown>> => {
        if (!isTrustedSender(event.senderFrame, appUrl)) {
          return {
            ok: false,
            error: { code: 'invalid', message: 'Requests are accepted only from the workbench window.' },
          }
        }
        return dispatch(handlers, channel, payload, logError)
      },
    )
  }
}

/** An `emit` that sends each event to every live window. */
export function createIpcEmitter(windows: () => WebContents[]): EmitEvent {
  return (channel, payload) => {
    for (const contents of windows()) if (!contents.isDestroyed()) contents.send(channel, payload)
  }
}
