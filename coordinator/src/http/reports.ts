import { Hono } from 'hono'
import { bearerAuth, HttpError, HttpErrorCode, type TokenStore } from '@lienthong/http'
import { evaluationCsv, evaluationReport, yearStart, type Alert, type ConnectionMonitor, type EvaluationStats } from '@lienthong/monitor'
import type { RegistryReplica } from '@lienthong/protocol'

type Env = { Variables: { tokenName: string, tokenRole: string } }

async function alertsOfYear (monitor: ConnectionMonitor, year: number): Promise<Alert[]> {
  const out: Alert[] = []
  const end = yearStart(year + 1)
  let after: number | undefined
  for (let page = 0; page < 10_000; page++) {
    const batch = await monitor.alerts({ since: yearStart(year) - 366 * 86_400_000, limit: 1000, ...(after === undefined ? {} : { after }) })
    out.push(...batch.filter((a) => a.detectedAt < end))
    if (batch.length < 1000) break
    after = batch.at(-1)?.id
  }
  return out
}

/** `GET /reports/evaluation?year=YYYY` [viewer]: JSON, or CSV with `Accept: text/csv`. */
export function reportRoutes (c: { replica: RegistryReplica, monitor: ConnectionMonitor, stats: EvaluationStats, tokens: TokenStore }): Hono<Env> {
  const app = new Hono<Env>()
  app.get('/reports/evaluation', bearerAuth(c.tokens, 'viewer'), async (ctx) => {
    const raw = ctx.req.query('year') ?? String(new Date().getFullYear())
    if (!/^(19|20|21)[0-9]{2}$/.test(raw)) throw new HttpError(400, HttpErrorCode.BAD_QUERY, 'query parameter "year" must be a year such as 2026', { field: 'year' })
    const year = Number(raw)
    const rows = evaluationReport({ year, state: c.replica.state, days: await c.stats.year(year), alerts: await alertsOfYear(c.monitor, year) })
    if ((ctx.req.header('accept') ?? '').includes('text/csv')) {
      return ctx.body(evaluationCsv(rows), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="lienthong-evaluation-${year}.csv"` })
    }
    return ctx.json({ year, generatedAt: Date.now(), nodes: rows })
  })
  return app
}
