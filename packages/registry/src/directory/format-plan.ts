/**
 * The import plan as the CLI prints it: a summary line, then anomalies, errors, additions,
 * updates and the unchanged rows that carry a note (the rest are only counted).
 */
import type { ImportPlan } from './import-types.js'

function rowLabel (row: number | null): string {
  return (row === null ? '-' : `row ${row}`).padEnd(9)
}

function scope (plan: ImportPlan): string {
  const when = plan.asOf === undefined ? 'now' : `on ${plan.asOf}`
  const how = plan.asOfSource === 'best-match' ? ' (the period the list matches best)' : plan.asOfSource === 'option' ? ' (as asked)' : ''
  if (plan.mode === 'codes') return `a list of codes checked against the directory ${when}${how}`
  const word = plan.kind === 'agency' || plan.kind === undefined ? 'units' : plan.kind === 'ministry' ? 'ministries' : plan.kind + 's'
  return `a list of ${word} by name, checked against the ${plan.inForce ?? 0} ${word} in force ${when}${how}`
}

/** Render an {@link ImportPlan} as plain text (ends with a newline). */
export function formatPlan (plan: ImportPlan): string {
  const lines: string[] = []
  lines.push(`Directory import: ${plan.rows} row${plan.rows === 1 ? '' : 's'}, ${scope(plan)}.`)
  lines.push(`  ${plan.additions.length} to add, ${plan.updates.length} to update, ${plan.unchanged.length} unchanged, ` +
    `${plan.anomalies.length} anomal${plan.anomalies.length === 1 ? 'y' : 'ies'}, ${plan.errors.length} bad row${plan.errors.length === 1 ? '' : 's'}`)
  if (plan.anomalies.length > 0) {
    lines.push('', 'Anomalies:')
    for (const a of plan.anomalies) lines.push(`  ! ${rowLabel(a.row)} ${a.code}: ${a.message}`)
  }
  if (plan.errors.length > 0) {
    lines.push('', 'Bad rows (not imported):')
    for (const e of plan.errors) {
      const value = e.value === undefined ? '' : ` [${e.value}]`
      lines.push(`  x ${rowLabel(e.row)} ${e.code}${e.field === null ? '' : ` (${e.field})`}: ${e.message}${value}`)
    }
  }
  if (plan.additions.length > 0) {
    lines.push('', 'Additions:')
    for (const a of plan.additions) {
      const parent = a.parent === undefined ? '' : `, under ${a.parent}`
      lines.push(`  + ${rowLabel(a.row)} ${a.code}  ${a.name}  (${a.kind}, level ${a.level}${parent})`)
    }
  }
  if (plan.updates.length > 0) {
    lines.push('', 'Updates:')
    for (const u of plan.updates) {
      const diff = u.changes.map(c => `${c.field}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`).join('; ')
      const notes = u.notes.length === 0 ? '' : ` (${u.notes.join('; ')})`
      lines.push(`  ~ ${rowLabel(u.row)} ${u.code}  ${u.name}: ${diff}${notes}`)
    }
  }
  const noted = plan.unchanged.filter(u => u.notes.length > 0)
  if (plan.unchanged.length > 0) {
    lines.push('', `Unchanged: ${plan.unchanged.length}${noted.length > 0 ? ', with notes:' : ''}`)
    for (const u of noted) lines.push(`  = ${rowLabel(u.row)} ${u.code}  ${u.given}: ${u.notes.join('; ')}`)
  }
  return lines.join('\n') + '\n'
}
