import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { DawnWarningFilter } from './dawn-warnings'

// What Dawn 0.6.2 printed on this machine while finding Mesa's adapters, word for word.
const DAWN = [
  'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.',
  ' - While initializing adapter (backend=BackendType::Vulkan)',
  '    at InitializeImpl (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:257)',
  '',
  'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.',
  'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 80 to 16 to fit dynamic offset allocation limit.',
].join('\n')

async function filtered(chunks: string[]): Promise<string> {
  const filter = new DawnWarningFilter()
  const out = new PassThrough()
  let text = ''
  out.on('data', (chunk: Buffer) => (text += chunk.toString()))
  filter.pipe(out)
  for (const chunk of chunks) filter.write(chunk)
  filter.end()
  await new Promise((resolve) => out.on('end', resolve))
  return text
}

describe('DawnWarningFilter', () => {
  it("drops Dawn's warnings and keeps everything else, in order", async () => {
    const text = `first line\n${DAWN}\n(node:42) Warning: a Node warning\nlast line without newline`
    expect(await filtered([text])).toBe(
      'first line\n(node:42) Warning: a Node warning\nlast line without newline',
    )
  })

  it('works on lines split across chunks', async () => {
    const text = `kept 1\n${DAWN}\nkept 2\n`
    const chunks = text.match(/[\s\S]{1,7}/g)!
    expect(await filtered(chunks)).toBe('kept 1\nkept 2\n')
  })
})
