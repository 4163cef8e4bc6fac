/**
 * The names of every channel of the contract, as plain data. The preload builds one function per
 * name from these lists, so it must stay free of imports.
 */
export const REQUEST_CHANNELS = [
  'app.info',
  'settings.get',
  'settings.update',
  'model.summary',
  'datasets.list',
  'datasets.preview',
  'datasets.download',
  'datasets.augmentPreview',
  'runs.start',
  'runs.stop',
  'runs.resume',
  'runs.list',
  'runs.get',
  'runs.rename',
  'runs.update',
  'runs.delete',
  'runs.exportModel',
  'runs.exportOnnx',
  'app.chooseFolder',
  'inspect.activations',
  'inspect.evaluate',
  'inspect.images',
  'sweeps.start',
  'sweeps.list',
  'sweeps.get',
  'sweeps.stop',
  'sweeps.resume',
  'sweeps.extend',
  'queue.list',
  'queue.move',
  'queue.cancel',
  'workers.list',
  'workers.testConnection',
] as const

export const EVENT_CHANNELS = [
  'runs.progress',
  'runs.epoch',
  'runs.status',
  'runs.changed',
  'datasets.progress',
  'datasets.decoding',
  'inspect.progress',
  'sweeps.changed',
  'queue.changed',
] as const

export type RequestChannel = (typeof REQUEST_CHANNELS)[number]
export type EventChannel = (typeof EVENT_CHANNELS)[number]
