/**
 * Finding the four IDX files in a folder. Copies of MNIST come with small differences in their
 * names (`train-images.idx3-ubyte` from Kaggle, `.gz` from the mirrors), so names are compared
 * with their separators and the `.gz` ending set aside.
 */
import { readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { UserError } from '../errors'
import { IDX_FILE_NAMES, IDX_ROLES, type IdxFiles, type IdxRole } from './catalog'

export interface FolderScan {
  folder: string
  /** The file found for each role; an uncompressed one wins over a gzipped one. */
  found: Partial<IdxFiles>
  missing: IdxRole[]
}

/** Looks for the four files; throws UserError only when the folder itself cannot be read. */
export async function scanIdxFolder(folder: string): Promise<FolderScan> {
  const absolute = resolve(folder)
  const names = await listFiles(absolute)
  const found: Partial<IdxFiles> = {}
  for (const role of IDX_ROLES) {
    const matches = names.filter((name) => canonicalName(name) === IDX_FILE_NAMES[role])
    const best = matches.find((name) => !/\.gz$/i.test(name)) ?? matches[0]
    if (best !== undefined) found[role] = join(absolute, best)
  }
  return { folder: absolute, found, missing: IDX_ROLES.filter((role) => found[role] === undefined) }
}

/** The four files of a folder, or a UserError whose sentence names each missing one. */
export async function findIdxFiles(folder: string): Promise<IdxFiles> {
  const scan = await scanIdxFolder(folder)
  if (scan.missing.length > 0) throw new UserError(missingFilesMessage(scan), 'not_found', 'dataset')
  return scan.found as IdxFiles
}

/** The sentence for a folder that lacks some of the four files. */
export function missingFilesMessage(scan: FolderScan): string {
  const names = scan.missing.map((role) => IDX_FILE_NAMES[role])
  const list =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
  const ending = names.length === 1 ? 'it may also end in .gz' : 'each may also end in .gz'
  return `The folder ${scan.folder} has no ${list} (${ending}).`
}

/** A file name as MNIST spells it: lower case, `-` as the only separator, no `.gz`. */
export function canonicalName(fileName: string): string {
  return fileName.toLowerCase().replace(/\.gz$/, '').replace(/[._]/g, '-')
}

async function listFiles(folder: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(folder, { withFileTypes: true })
  } catch (error) {
    throw unreadableFolder(folder, error)
  }
  const files: string[] = []
  for (const entry of entries) {
    if (entry.isFile()) files.push(entry.name)
    else if (entry.isSymbolicLink() && (await isFileBehindLink(join(folder, entry.name))))
      files.push(entry.name)
  }
  return files
}

async function isFileBehindLink(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    // A dangling link is no file; the missing-file sentence will name what is absent.
    return false
  }
}

/** The sentence for a folder that readdir refused: absent, a file, or not readable. */
export function unreadableFolder(folder: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new UserError(`The folder ${folder} does not exist.`, 'not_found', 'dataset')
  if (code === 'ENOTDIR') return new UserError(`${folder} is a file, not a folder.`, 'invalid', 'dataset')
  return new UserError(
    `The folder ${folder} cannot be read (${code ?? String(error)}).`,
    'unavailable',
    'dataset',
  )
}
