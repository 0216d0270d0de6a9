import { ClassicLevel } from 'classic-level'
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const binding = require('classic-level/binding.js')
const db = new ClassicLevel(mkdtempSync('/tmp/cbw-'), { keyEncoding: 'view', valueEncoding: 'view' })
await db.open()
const k = new Uint8Array(40).fill(65), v = new Uint8Array(60).fill(1)
const ctxSym = Object.getOwnPropertySymbols(db).find(s => String(s) === 'Symbol(context)')
const ctx = db[ctxSym]
for (const sync of [false, true, false]) {
  let tInit = 0, tWrite = 0, tPut = 0, n = 3000
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const b = binding.batch_init(ctx)
    const t1 = performance.now()
    for (let j = 0; j < 6; j++) { k[0] = j; k[1] = i & 255; binding.batch_put(b, k, v) }
    const t2 = performance.now()
    const p = binding.batch_write(b, { sync })
    const t3 = performance.now()
    await p
    tInit += t1 - t0; tPut += t2 - t1; tWrite += t3 - t2
  }
  console.log({ sync, initUs: (tInit / n * 1000).toFixed(1), put6Us: (tPut / n * 1000).toFixed(1), writeCallUs: (tWrite / n * 1000).toFixed(1) })
}
await db.close()
