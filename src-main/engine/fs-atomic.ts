import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'

/**
 * Write a file so that readers see the old content or the new, never a half-written one, and
 * so that the new one survives a power cut once this resolves. A write that fails (a full disk)
 * removes its temporary file and leaves the old content in place.
 */
export async function writeFileAtomic(path: string, data: FileContent): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFileSynced(tmp, data)
    await rename(tmp, path)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
  await syncFolder(dirname(path))
}

/** A file's content: text, bytes, or parts of bytes written one after the other (no copy made). */
export type FileContent = string | Uint8Array | readonly Uint8Array[]

/** Write a file and flush it to the disk before returning (not atomic: see writeFileAtomic). */
export async function writeFileSynced(path: string, data: FileContent): Promise<void> {
  const handle = await open(path, 'w')
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data)
    // writeFile on a handle continues from the current position and writes each part whole.
    else for (const part of data) await handle.writeFile(part)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Flush a folder's entries, which is what makes a rename in it durable. Windows cannot open a
 * folder to flush it; there the rename is as durable as the file system makes it.
 */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Write a JSON document atomically, pretty-printed. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n')
}
