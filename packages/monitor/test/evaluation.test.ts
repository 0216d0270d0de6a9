import test from 'ava'
import { generateNodeKey, peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { RegistryWriter } from '@lienthong/registry'
import { evaluationCsv, evaluationReport, yearStart, type Alert, type DailyStats } from '@lienthong/monitor'

test('the evaluation report: uptime from offline episodes, volumes and lag from day aggregates, incidents and pauses from the registry', (t) => {
  const year = 2026
  const t0 = yearStart(year) + 10 * 86_400_000
  let clock = t0
  const writer = RegistryWriter.genesis(generateNodeKey(), { network: 'eval', now: () => clock })
  const key = generateNodeKey()
  const peerId = peerIdFromPublicKeyBytes(key.publicKey)
  writer.appendOps([{ type: 'org.create', code: '000.00.00.H29', name: 'Thành phố Hồ Chí Minh' }], { actor: 'system' })
  writer.appendOps([{ type: 'node.admit', peerId, publicKey: key.publicKey, sealingPublicKey: key.sealingPublicKey, addresses: [], orgs: ['000.00.00.H29'], contacts: { email: ['it@hcm.example'], phone: [] } }], { actor: 'op' })
  clock = t0 + 86_400_000
  writer.appendOps([{ type: 'node.suspend', peerId, reason: 'bảo trì' }], { actor: 'op' })
  writer.appendOps([{ type: 'node.resume', peerId }], { actor: 'op' })
  writer.appendOps([{ type: 'node.revoke', peerId, incident: 'INC-9' }], { actor: 'sec' })

  const now = t0 + 100 * 86_400_000
  const offlineFor = 86_400_000 // one day of the 100 since admission
  const alerts: Alert[] = [
    { id: 1, peerId, kind: 'offline', detectedAt: t0 + 5 * 86_400_000 + 300_000, lastHeartbeatAt: t0 + 5 * 86_400_000, silentSince: t0 + 5 * 86_400_000, orgs: [], notifications: [] },
    { id: 2, peerId, kind: 'recovered', detectedAt: t0 + 5 * 86_400_000 + offlineFor, lastHeartbeatAt: t0 + 6 * 86_400_000, silentSince: t0 + 5 * 86_400_000, offlineAlertId: 1, orgs: [], notifications: [] }
  ]
  const days: DailyStats[] = [
    { day: '2026-01-11', peerId, heartbeats: 10, lagSum: 5, sent: 7, received: 3, refused: 1, failed: 0, versions: ['0.1.0'] },
    { day: '2026-01-12', peerId, heartbeats: 10, lagSum: 15, sent: 3, received: 2, refused: 0, failed: 2, versions: ['0.1.0', '0.2.0'] }
  ]
  const [row] = evaluationReport({ year, state: writer.registry.state, days, alerts, now })
  t.truthy(row)
  t.is(row!.uptimePercent, 99)
  t.is(row!.offlineEpisodes, 1)
  t.deepEqual([row!.envelopesSent, row!.envelopesReceived, row!.envelopesRefused, row!.deliveryFailures], [10, 5, 1, 2])
  t.deepEqual(row!.versions, ['0.1.0', '0.2.0'])
  t.is(row!.averageRegistryLag, 1)
  t.deepEqual(row!.incidents.map((i) => i.incident), ['INC-9'])
  t.deepEqual(row!.pauses.map((p) => p.reason), ['bảo trì'])
  const csv = evaluationCsv([row!]).split('\r\n')
  t.true(csv[0]!.startsWith('peerId,orgs,state,uptimePercent'))
  t.true(csv[1]!.includes(',99,1,10,5,1,2,INC-9,bảo trì,0.1.0 0.2.0,1,20'))
  t.deepEqual(evaluationReport({ year: 2025, state: writer.registry.state, days, alerts, now }), [], 'a node admitted later is not in an earlier year')
})
