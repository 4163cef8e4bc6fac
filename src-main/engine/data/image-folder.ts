/**
 * The layout of a folder of images, as Keras' image_dataset_from_directory and torchvision's
 * ImageFolder read it: one subfolder per class (images anywhere below it), optionally under
 * `train/` and `test/` (or `val/`, `validation/`). Listing only: names, sizes and modification
 * times, which also make the folder's signature (any change to them means decoding again).
 */
import { createHash } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { isImageFileName } from './decode-image'
import { unreadableFolder } from './folder'

/** One image file of the folder. */
export interface ImageFile {
  /** The path inside the folder, with `/` between names. */
  relative: string
  absolute: string
  size: number
  mtimeMs: number
  /** Its class folder's name. */
  className: string
  /** Where it belongs when the folder has train/ and test/; null when the workbench splits. */
  part: 'train' | 'test' | null
}

export interface ImageFolderScan {
  root: string
  layout: 'classes' | 'train-test'
  /** The name of the folder holding the test part (test, val or validation), when there is one. */
  testFolder: string | null
  /** Every class folder's name, sorted as Python sorts strings (by code point). */
  classNames: string[]
  files: ImageFile[]
  /** Files in class folders that are not images by their ending (counted, never read). */
  otherFiles: number
  /** Image files directly in the folder (or in train/, test/), outside any class folder. */
  looseImages: number
  /** SHA-256 of every image's path, size and modification time. */
  signature: string
}

const TEST_FOLDER_NAMES = ['test', 'val', 'validation']

/** Lists the folder; throws UserError when it cannot be read. Finding no class folder is not an error here. */
export async function scanImageFolder(folder: string): Promise<ImageFolderScan> {
  const root = resolve(folder)
  const top = await listFolder(root)
  const train = top.folders.find((name) => name.toLowerCase() === 'train')
  const testFolder =
    TEST_FOLDER_NAMES.map((wanted) => top.folders.find((name) => name.toLowerCase() === wanted)).find(
      (name) => name !== undefined,
    ) ?? null
  const files: ImageFile[] = []
  const classNames = new Set<string>()
  let otherFiles = 0
  let looseImages = top.files.filter(isImageFileName).length

  const readClasses = async (base: string, part: ImageFile['part']) => {
    const level = base === root ? top : await listFolder(base)
    if (base !== root) looseImages += level.files.filter(isImageFileName).length
    for (const className of level.folders) {
      classNames.add(className)
      const found = await walkImages(join(base, className))
      otherFiles += found.other
      for (const path of found.images) files.push({ ...(await folderFile(root, path)), className, part })
    }
  }

  const layout = train !== undefined && testFolder !== null ? 'train-test' : 'classes'
  if (layout === 'train-test') {
    await readClasses(join(root, train!), 'train')
    await readClasses(join(root, testFolder!), 'test')
  } else {
    await readClasses(root, null)
  }
  files.sort((a, b) => compareCodePoints(a.relative, b.relative))
  return {
    root,
    layout,
    testFolder: layout === 'train-test' ? testFolder : null,
    classNames: [...classNames].sort(compareCodePoints),
    files,
    otherFiles,
    looseImages,
    signature: signatureOf(files),
  }
}

/** A file under `root`: its path there ('/'-separated), its absolute path, size and modification time. */
export async function folderFile(root: string, path: string) {
  const info = await stat(path)
  return {
    relative: relative(root, path).split(sep).join('/'),
    absolute: path,
    size: info.size,
    mtimeMs: info.mtimeMs,
  }
}

/** Orders strings by code point, as Python's sorted() does (Keras and torchvision sort class names so). */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function signatureOf(files: ImageFile[]): string {
  const hash = createHash('sha256')
  for (const file of files) hash.update(`${file.relative}\t${file.size}\t${file.mtimeMs}\n`)
  return hash.digest('hex')
}

interface Listing {
  folders: string[]
  files: string[]
}

/** The visible folders and files of one folder (links followed; hidden names, like .DS_Store, skipped). */
async function listFolder(folder: string): Promise<Listing> {
  let entries
  try {
    entries = await readdir(folder, { withFileTypes: true })
  } catch (error) {
    throw unreadableFolder(folder, error)
  }
  const listing: Listing = { folders: [], files: [] }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue
    let kind: 'folder' | 'file' | null = entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : null
    if (entry.isSymbolicLink()) {
      const target = await stat(join(folder, entry.name)).catch(() => null)
      kind = target?.isDirectory() ? 'folder' : target?.isFile() ? 'file' : null
    }
    if (kind === 'folder') listing.folders.push(entry.name)
    else if (kind === 'file') listing.files.push(entry.name)
  }
  listing.folders.sort(compareCodePoints)
  return listing
}

/** Every image file below a class folder, at any depth, and how many other files there are. */
async function walkImages(folder: string, depth = 0): Promise<{ images: string[]; other: number }> {
  const listing = await listFolder(folder)
  const images = listing.files.filter(isImageFileName).map((name) => join(folder, name))
  let other = listing.files.length - images.length
  // Deep enough for any real layout, and a guard against a link that points back up.
  if (depth < 8) {
    for (const name of listing.folders) {
      const below = await walkImages(join(folder, name), depth + 1)
      images.push(...below.images)
      other += below.other
    }
  }
  return { images, other }
}
