import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { REQUEST_CHANNELS } from '@common/channels'
import { dispatch, type ErrorLogger } from '../api/dispatch'
import type { ApiResult, EmitEvent, RequestHandlers } from '@common/contract'

/** Only our own window's top frame, showing our own page, may call the API. */
export function isTrustedSender(frameUrl: string | undefined, appUrl: string): boolean {
  if (!frameUrl) return false
  try {
    const frame = new URL(frameUrl)
    const app = new URL(appUrl)
    if (app.protocol === 'file:') return frame.protocol === 'file:' && frame.pathname === app.pathname
    return frame.origin === app.origin
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
        if (!isTrustedSender(event.senderFrame?.url, appUrl)) {
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
