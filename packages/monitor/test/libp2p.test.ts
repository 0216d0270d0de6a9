import test from 'ava'
import { LienthongError } from '@lienthong/errors'
import { createHost, serveHeartbeats, startHeartbeats, type Host } from '@lienthong/protocol'
import { allSent, fixture, HEARTBEAT_MS, OFFLINE_AFTER_MS, startAlertingMonitor, until } from './helpers.js'

test('real heartbeats over libp2p feed the monitor: online, addresses recorded, offline with notices, recovered', async t => {
  const fx = await fixture(t)
  const node = fx.nodes[0]!
  const { monitor, smtp, sms } = await startAlertingMonitor(t, fx)
  // The coordinator: a gated host serving heartbeats into the monitor; address changes appended.
  const coordinator = await createHost({
    key: fx.coordinatorKey, listen: ['/ip4/127.0.0.1/tcp/0'], gate: { isAllowed: id => fx.replica.state.nodes.has(id) }
  })
  t.teardown(async () => { await coordinator.stop() })
  await serveHeartbeats(coordinator, async (body, peerId) => {
    if (!await monitor.recordHeartbeat(peerId, body)) throw new LienthongError('monitor-unknown-node', 'not in the registry')
    return { serverTime: Date.now(), registrySeq: fx.replica.seq }
  })
  const appended: string[][] = []
  monitor.on('addresses', change => {
    appended.push(change.addresses)
    fx.append([{ type: 'node.update-addresses', peerId: change.peerId, addresses: change.addresses }]).catch(() => {})
  })

  let host: Host | undefined
  const startNode = async (): Promise<{ stop: () => Promise<void> }> => {
    host ??= await createHost({ key: node.key, listen: ['/ip4/127.0.0.1/tcp/0'], gate: { isAllowed: id => id === coordinator.peerId } })
    const h = host
    await h.addPeerAddresses(coordinator.peerId, coordinator.multiaddrs)
    return startHeartbeats({
      host: h,
      coordinator: coordinator.peerId,
      intervalMs: () => HEARTBEAT_MS,
      collect: () => ({
        version: '0.1.0-e2e',
        addresses: h.multiaddrs,
        registrySeq: fx.replica.seq,
        queues: { queued: 0, delivered: 5, failed: 0, inboxUnacked: 1 },
        counters: { sent: 5, received: 2, refused: 0 }
      })
    })
  }
  t.teardown(async () => { await host?.stop() })

  const sender = await startNode()
  t.teardown(async () => { await sender.stop() })
  const online = await until(monitor, () => {
    const c = monitor.connection(node.peerId)
    return c?.status === 'online' && fx.replica.state.nodes.get(node.peerId)?.addresses.join() === host?.multiaddrs.join() ? c : undefined
  }, { replica: fx.replica })
  t.like(online, { version: '0.1.0-e2e', registryLag: 0, queues: { queued: 0, delivered: 5, failed: 0, inboxUnacked: 1 } })
  t.deepEqual(appended, [host?.multiaddrs], 'the new listen address was reported once and entered the registry')

  await sender.stop()
  const offline = await until(monitor, async () => allSent((await monitor.alerts({ peerId: node.peerId }))[0]))
  const last = offline.lastHeartbeatAt ?? -Infinity
  t.true(offline.detectedAt - last <= OFFLINE_AFTER_MS + monitor.checkIntervalMs)
  t.true(offline.notifications.every(n => (n.sentAt ?? Infinity) - last <= OFFLINE_AFTER_MS + HEARTBEAT_MS))
  t.is(smtp.messages.length, 2)
  t.is(sms.requests.length, 2)

  const again = await startNode()
  t.teardown(async () => { await again.stop() })
  const recovered = await until(monitor, async () => allSent((await monitor.alerts({ after: offline.id }))[0]))
  t.like(recovered, { kind: 'recovered', offlineAlertId: offline.id })
  t.like(monitor.connection(node.peerId), { status: 'online' })
})
