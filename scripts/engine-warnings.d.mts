// Types of engine-warnings.mjs (plain JavaScript: setup.mjs runs it before any dependency exists).

export declare const ELECTRON_TOOLCHAIN: string[]

export declare class EngineWarningFolder {
  folded: string[]
  push(line: string): string[]
  end(): string[]
  summary(nodeVersion?: string): string | null
}
