/**
 * A bounded load test of the web shell in a process of its own, on loopback, while a small run
 * trains in its training process: thousands of requests over hundreds of sockets, with resets
 * among them and token-less WebSocket upgrades reset mid-refusal. Every request that was not
 * reset is answered, the events keep flowing, and the run completes unharmed.
 */
import { Agent, request } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { RunDetails } from '@common/contract'
import { TINY_ARCHITECTURE, writeBarDataset } from '../../engine/train/test-data'
import { startWebProcess, upgradeAndReset, type WebProcess } from './testing'

const REQUESTS = 2400
const SOCKETS = 200
const RESETS = 300
const UPGRADE_RESETS = 300
const LISTENERS = 20

let root: string
let shell: WebProcess
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-load-'))
  shell = await startWebProcess(join(root, 'home'))
})
afterAll(async () => {
  await shell?.stop()
  await rm(root, { recursive: true, force: true })
})

interface Answer {
  status: number
  body: string
}

/** One HTTP request over the shared pool of keep-alive sockets. */
function send(
  agent: Agent,
  method: string,
  path: string,
  body?: string,
  token = shell.token,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: '127.0.0.1', port: shell.port, method, path, headers: { 'x-workbench-token': token } },
      (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** An API call; resolves with its value, fails the test with the error otherwise. */
async function call<T>(agent: Agent, channel: string, payload?: unknown): Promise<T> {
  const answer = await send(
    agent,
    'POST',
    `/api/${channel}`,
    payload === undefined ? '' : JSON.stringify(payload),
  )
  const result = JSON.parse(answer.body) as { ok: boolean; value: T; error: { message: string } }
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`)
  return result.value
}

/** The mix of requests the load is made of, with the status each must get. */
function nth(
  i: number,
  runId: string,
): [method: string, path: string, body: string | undefined, status: number, token?: string] {
  switch (i % 8) {
    case 0:
      return ['POST', '/api/app.info', undefined, 200]
    case 1:
      return ['POST', '/api/runs.list', undefined, 200]
    case 2:
      return ['POST', '/api/runs.get', JSON.stringify({ id: runId, batches: false }), 200]
    case 3:
      return ['GET', '/runs/abc', undefined, 200]
    case 4:
      return ['POST', '/api/settings.get', undefined, 401, 'wrong-token-wrong-token-wrong-tok']
    case 5:
      return ['POST', '/api/runs.start', '{"epochs": ', 400]
    case 6:
      return ['GET', '/%E0%A4%A', undefined, 400]
    default:
      return ['POST', '/api/model.summary', JSON.stringify({ architecture: TINY_ARCHITECTURE }), 200]
  }
}

/** Opens a socket, sends part of a request (or all of one), and resets the connection. */
function resetMidRequest(i: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(shell.port, '127.0.0.1', () => {
      const head = `POST /api/runs.list HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nx-workbench-token: ${shell.token}\r\n`
      socket.write(i % 2 ? `${head}Content-Length: 40\r\n\r\n{"` : `${head}Content-Length: 0\r\n\r\n`)
      setImmediate(() => socket.resetAndDestroy())
    })
    socket.on('error', () => undefined) // our own reset
    socket.on('close', () => resolve())
  })
}

describe('the web shell under load', () => {
  it('answers every request and the run it trains completes unharmed', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS })
    const data = await writeBarDataset(join(root, 'bars'), 300, 100)
    const listeners = await Promise.all(
      Array.from({ length: LISTENERS }, async () => {
        const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/api/events?token=${shell.token}`)
        await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
        const epochs: number[] = []
        ws.on('message', (message) => {
          const event = JSON.parse(String(message)) as {
            channel: string
            payload: { metrics?: { epoch: number } }
          }
          if (event.channel === 'runs.epoch' && event.payload.metrics)
            epochs.push(event.payload.metrics.epoch)
        })
        return { ws, epochs }
      }),
    )
    const run = await call<{ id: string }>(agent, 'runs.start', {
      dataset: { kind: 'folder', path: data },
      architecture: TINY_ARCHITECTURE,
      epochs: 3,
      batchSize: 30,
      learningRate: 0.01,
      backend: 'cpu',
      replicas: 1,
      seed: 5,
    })

    const answers: Answer[] = []
    const wrong: string[] = []
    let seenTraining = 0
    const load = Array.from({ length: REQUESTS }, async (_, i) => {
      const [method, path, body, status, token] = nth(i, run.id)
      const answer = await send(agent, method, path, body, token)
      answers.push(answer)
      if (i % 8 === 2 && answer.status === 200 && answer.body.includes('"status":"running"')) seenTraining++
      const json = path.startsWith('/api/') || status === 400
      if (answer.status !== status || (json && !JSON.parse(answer.body)))
        wrong.push(`${method} ${path}: ${answer.status}`)
    })
    const resets = Array.from({ length: RESETS }, (_, i) => resetMidRequest(i))
    const upgrades = Array.from({ length: UPGRADE_RESETS }, () => upgradeAndReset(shell.port))
    await Promise.all([...load, ...resets, ...upgrades])

    expect(wrong).toEqual([])
    expect(answers).toHaveLength(REQUESTS)
    // The load met the run while it trained.
    expect(seenTraining).toBeGreaterThan(0)
    expect(shell.alive(), shell.output()).toBe(true)

    let details: RunDetails
    do {
      await new Promise((resolve) => setTimeout(resolve, 200))
      details = await call<RunDetails>(agent, 'runs.get', { id: run.id, batches: false })
    } while (details.record.status === 'running')
    expect(details.record.status).toBe('completed')
    expect(details.metrics.map((e) => e.epoch)).toEqual([1, 2, 3])
    expect(details.record.checkpointEpoch).toBe(3)
    for (const { epochs } of listeners) expect(epochs).toEqual([1, 2, 3])
    for (const { ws } of listeners) ws.close()
    agent.destroy()
    process.stdout.write(
      `load: ${answers.length} requests answered over up to ${SOCKETS} sockets (${seenTraining} saw the run ` +
        `training), ${RESETS} requests ` +
        `reset mid-way, ${UPGRADE_RESETS} token-less upgrades reset, ${LISTENERS} event sockets each ` +
        `saw the run's ${details.metrics.length} epochs\n`,
    )
  }, 120_000)
})
