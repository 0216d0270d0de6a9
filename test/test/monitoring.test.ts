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
  // The heartbeat's plain addresses replace the ones given at admission (with /p2p suffixes).
  await waitFor('addresses recorded in the registry', () => ids.every((id) => net.coordinator.replica.state.nodes.get(id)?.addresses.every((a) => !a.includes('/p2p/')) === true))
  t.is((await apiClient(net.coordinator.httpUrl).get('/v1/connections')).status, 401)
  const alerts = await net.admin.get<{ alerts: unknown[] }>('/v1/alerts')
  t.is(alerts.status, 200)
  t.deepEqual(alerts.body.alerts, [])
})
