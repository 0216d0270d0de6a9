/**
 * The registry's live state as the importer's {@link DirectoryView}, and an import plan as the
 * registry operations that apply it. Dates are calendar days in Vietnam (UTC+7).
 */
import type { OrgCreateOp, OrgRenameOp, OrgUpdateOp, OrgUpdateFields } from '../ops.js'
import type { RegistryState } from '../types.js'
import type { ImportPlan } from './import-types.js'
import type { DirectoryView, DirectoryViewUnit } from './view.js'

const VN_OFFSET_MS = 7 * 3600_000

function isoDay (ms: number): string {
  return new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10)
}

/** Every organisation of the registry (active and retired) as a directory view. */
export function registryDirectoryView (state: RegistryState): DirectoryView {
  const units: DirectoryViewUnit[] = []
  for (const org of state.orgs.values()) {
    const unit: DirectoryViewUnit = {
      code: org.code,
      name: org.name,
      aliases: org.aliases,
      kind: org.kind === 'ministry' || org.kind === 'province' || org.kind === 'council' ? org.kind : 'agency',
      status: org.status,
      validFrom: isoDay(org.validFrom)
    }
    if (org.level !== undefined) unit.level = org.level
    if (org.parent !== undefined) unit.parent = org.parent
    if (org.successor !== undefined) unit.successor = org.successor
    if (org.validTo !== undefined) unit.validTo = isoDay(org.validTo)
    units.push(unit)
  }
  return { units }
}

/** The registry operations that apply a plan's additions and updates (anomalies apply nothing). */
export function importPlanOps (plan: ImportPlan): Array<OrgCreateOp | OrgRenameOp | OrgUpdateOp> {
  const ops: Array<OrgCreateOp | OrgRenameOp | OrgUpdateOp> = []
  for (const add of plan.additions) {
    const op: OrgCreateOp = { type: 'org.create', code: add.code, name: add.name, level: add.level, kind: add.kind }
    if (add.parent !== undefined) op.parent = add.parent
    ops.push(op)
  }
  for (const update of plan.updates) {
    const fields: OrgUpdateFields = {}
    for (const change of update.changes) {
      if (change.field === 'name') ops.push({ type: 'org.rename', code: update.code, name: String(change.to) })
      else if (change.field === 'level') fields.level = Number(change.to)
      else if (change.field === 'parent') fields.parent = String(change.to)
      else fields.kind = change.to as OrgUpdateFields['kind']
    }
    if (Object.keys(fields).length > 0) ops.push({ type: 'org.update', code: update.code, fields })
  }
  return ops
}
