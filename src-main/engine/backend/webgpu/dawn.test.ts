import { statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { dawnBackendOf } from './adapter'
import { prepareDawnEnvironment } from './dawn'

describe('prepareDawnEnvironment', () => {
  it('gives EGL no display for OpenGL ES only, and a private runtime folder where there is none', () => {
    const env: NodeJS.ProcessEnv = {}
    prepareDawnEnvironment(dawnBackendOf('Vulkan')!, env)
    expect(env.EGL_PLATFORM).toBeUndefined()
    const dir = env.XDG_RUNTIME_DIR!
    // Mesa refuses (and complains about) a runtime folder others can enter.
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    prepareDawnEnvironment(dawnBackendOf('OpenGLES')!, env)
    expect(env).toEqual({ EGL_PLATFORM: 'surfaceless', XDG_RUNTIME_DIR: dir })
  })

  it("keeps the user's own settings", () => {
    const env: NodeJS.ProcessEnv = { EGL_PLATFORM: 'x11', XDG_RUNTIME_DIR: '/run/user/1000' }
    prepareDawnEnvironment(dawnBackendOf('OpenGLES')!, env)
    expect(env).toEqual({ EGL_PLATFORM: 'x11', XDG_RUNTIME_DIR: '/run/user/1000' })
  })
})
