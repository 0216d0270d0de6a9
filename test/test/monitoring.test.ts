import test from 'ava'
import { apiClient, startNetwork, waitFor } from '@lienthong/test'

interface Connection { peerId: string, status: string, version?: string, addresses?: string[], registryLag?: number }

test('nodes heartbeat to the coordinator: /v1/connections shows them online, and their addresses are recorded', async (t) => {
  const net = await startNetwork(t, [{ name: 'hcm', orgs: ['000.00.00.H29'] }, { name: 'vpcp', orgs: ['000.00.00.G22'] }])
  const ids = Object.values(net.nodes).map((n) => n.node.host.peerId)
  const connections = async (): Promise<Connection[]> => (await net.admin.get<{ connections: Connection[] }>('/v1/connections')).body.connections
  await waitFor('both nodes online', async () => {
    const list = await connections()
    return ids.every((id) => list.some((c) => c.peerId === id && c.status === 'online'))
  })
  const hcm = (await connections()).find((c) => c.peerId === net.nodes.hcm!.node.host.peerId)
  t.is(hcm?.version, '0.1.0')
  t.true((hcm?.addresses ?? []).length > 0)
  // The addresses a node listens on are the ones the registry holds (no spurious update).
  for (const n of Object.values(net.nodes)) {
    t.deepEqual([...(net.coordinator.replica.state.nodes.get(n.node.host.peerId)?.addresses ?? [])].sort(), [...n.node.host.multiaddrs].sort())
  }
  t.is((await apiClient(net.coordinator.httpUrl).get('/v1/connections')).status, 401)
  const alerts = await net.admin.get<{ alerts: unknown[] }>('/v1/alerts')
  t.is(alerts.status, 200)
  t.deepEqual(alerts.body.alerts, [])
})

test('a node started with --announce publishes those addresses: its heartbeats record them and keep them', async (t) => {
  const net = await startNetwork(t, [{ name: 'hcm', orgs: ['000.00.00.H29'] }])
  const hcm = net.nodes.hcm!
  const peerId = hcm.node.host.peerId
  const registered = (): string[] => [...(net.coordinator.replica.state.nodes.get(peerId)?.addresses ?? [])]
  const bound = [...hcm.node.host.multiaddrs]
  t.deepEqual(registered().sort(), bound.sort())
  // Behind a port forward: the public address is not one the node binds.
  await hcm.stop()
  await hcm.restart({ announce: ['/dns4/lienthong.hcm.example/tcp/4001'] })
  const published = [`/dns4/lienthong.hcm.example/tcp/4001/p2p/${peerId}`]
  await waitFor('the announced address in the registry', () => registered().join() === published.join())
  const seq = net.coordinator.replica.seq
  // More heartbeats (one at each new coordinator link) change nothing: the address stays.
  hcm.node.links.refresh()
  await waitFor('the node online', async () => {
    const list = (await net.admin.get<{ connections: Connection[] }>('/v1/connections')).body.connections
    return list.some((c) => c.peerId === peerId && c.status === 'online' && c.addresses?.join() === published.join())
  })
  t.deepEqual(registered(), published)
  t.is(net.coordinator.replica.state.nodes.get(peerId)?.updatedSeq, seq)
})

test('the evaluation report, the registry change stream, /metrics and /openapi.json of the coordinator', async (t) => {
  const net = await startNetwork(t, [{ name: 'hcm', orgs: ['000.00.00.H29'] }])
  const peerId = net.nodes.hcm!.node.host.peerId
  const year = new Date().getFullYear()
  await waitFor('a heartbeat in the report', async () => {
    const report = await net.admin.get<{ nodes: Array<{ peerId: string, heartbeats: number }> }>(`/v1/reports/evaluation?year=${year}`)
    return report.body.nodes.some((n) => n.peerId === peerId && n.heartbeats > 0)
  })
  const report = await net.admin.get<{ nodes: Array<{ peerId: string, uptimePercent: number, versions: string[] }> }>(`/v1/reports/evaluation?year=${year}`)
  const row = report.body.nodes.find((n) => n.peerId === peerId)
  t.is(row?.uptimePercent, 100)
  t.deepEqual(row?.versions, ['0.1.0'])
  const csv = await net.admin.raw(`/v1/reports/evaluation?year=${year}`, { headers: { accept: 'text/csv' } })
  t.is(csv.headers.get('content-type'), 'text/csv; charset=utf-8')
  t.true((await csv.text()).includes(peerId))
  t.is((await net.admin.get(`/v1/reports/evaluation?year=26`)).status, 400)
  t.is((await apiClient(net.coordinator.httpUrl).get(`/v1/reports/evaluation?year=${year}`)).status, 401)

  // Real-time public list of changes: an organisation created now arrives as an event.
  const abort = new AbortController()
  const timer = setTimeout(() => { abort.abort() }, 15_000)
  t.teardown(() => { clearTimeout(timer); abort.abort() })
  const res = await fetch(`${net.coordinator.httpUrl}/v1/registry/changes`, { signal: abort.signal })
  t.is(res.status, 200)
  const reader = res.body!.getReader()
  t.is((await net.admin.post('/v1/orgs', { code: '000.00.03.H29', name: 'Sở Khoa học và Công nghệ', parent: '000.00.00.H29', level: 2, kind: 'agency' })).status, 201)
  let text = ''
  while (!text.includes('000.00.03.H29')) {
    const chunk = await reader.read()
    if (chunk.done) break
    text += new TextDecoder().decode(chunk.value as Uint8Array)
  }
  await reader.cancel()
  t.regex(text, /event: entry/)
  t.true(text.includes('000.00.03.H29'))

  const metrics = await (await fetch(`${net.coordinator.httpUrl}/metrics`)).text()
  t.regex(metrics, /lienthong_registry_nodes\{state="official"\} [1-9]/)
  t.regex(metrics, /lienthong_heartbeats_received_total [1-9]/)
  const openapi = await (await fetch(`${net.coordinator.httpUrl}/openapi.json`)).json() as { paths: Record<string, unknown> }
  for (const path of ['/v1/join-requests', '/v1/nodes/{peerId}/revoke', '/v1/reports/evaluation', '/v1/alerts']) t.truthy(openapi.paths[path], path)
})
