import type { CoordinatorClient, Org } from '@lienthong/client'

/** A unit that gets its own node: a short name (its folder) and its organisation code. */
export interface Unit {
  name: string
  org: string
}

/** `npm start`: Văn phòng Chính phủ and three provinces of today's map (after the 2025 merger). */
export const DEMO_UNITS: readonly Unit[] = [
  { name: 'vpcp', org: '000.00.00.G22' },
  { name: 'ha-noi', org: '000.00.00.H26' },
  { name: 'hcm', org: '000.00.00.H29' },
  { name: 'da-nang', org: '000.00.00.H15' }
]

/** Check that every unit is an active organisation of the registry; returns their names by code. */
export async function checkUnits (coordinator: CoordinatorClient, units: readonly Unit[]): Promise<Map<string, Org>> {
  const { orgs } = await coordinator.orgs({ status: 'active' })
  const byCode = new Map(orgs.map((o) => [o.code, o]))
  const missing = units.filter((u) => !byCode.has(u.org)).map((u) => u.org)
  if (missing.length > 0) throw new Error(`not active in the registry: ${missing.join(', ')}`)
  return byCode
}

/**
 * Every active province (34 after the 2025 merger) and ministry-level unit (25) of the
 * directory, ministries first (Văn phòng Chính phủ among them), each named by its code's suffix.
 */
export async function directoryUnits (coordinator: CoordinatorClient): Promise<Unit[]> {
  const { orgs } = await coordinator.orgs({ status: 'active' })
  const pick = (kind: string): Unit[] => orgs
    .filter((o) => o.kind === kind && o.level === 1)
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((o) => ({ name: o.code.slice(-3).toLowerCase(), org: o.code }))
  return [...pick('ministry'), ...pick('province')]
}
