/**
 * Before/after in one run: `npx ts-node --transpile-only bench/ab.ts <baseline>`, where `<baseline>` is the
 * lib/ directory of an older checkout (e.g. `git archive <commit> lib | tar -x -C /tmp/base`, then
 * `/tmp/base/lib`). Runs are interleaved so that load on a shared machine hits both sides alike.
 */
import * as path from 'path';
import { syntheticTemplates, writeAssembly } from './synthetic-assembly';
import { FlowModel as After } from '../lib/model/flow-model';

const baseline = process.argv[2];
if (baseline === undefined) throw new Error('usage: bench/ab.ts <lib directory of the baseline checkout>');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Before = require(path.resolve(baseline, 'model', 'flow-model')).FlowModel as typeof After;
const RUNS = 31;
function ab(b: () => void, a: () => void): string {
  b(); a(); const tb: number[] = []; const ta: number[] = [];
  const t = (fn: () => void, into: number[]) => { const s = process.hrtime.bigint(); fn(); into.push(Number(process.hrtime.bigint() - s) / 1e6); };
  for (let i = 0; i < RUNS; i++) { if (i % 2) { t(b, tb); t(a, ta); } else { t(a, ta); t(b, tb); } }
  tb.sort((x, y) => x - y); ta.sort((x, y) => x - y);
  const m = (x: number[]) => x[Math.floor(x.length / 2)];
  return `before ${m(tb).toFixed(1)} / ${tb[0].toFixed(1)}  after ${m(ta).toFixed(1)} / ${ta[0].toFixed(1)}  (median after/before ${(m(ta) / m(tb)).toFixed(2)})`;
}
for (const n of [10, 100]) {
  const templates = syntheticTemplates(n); const dir = writeAssembly(templates);
  const [mb, ma] = [Before.fromTemplates(templates), After.fromTemplates(templates)];
  console.log(`${n} clusters, ms median / fastest of ${RUNS}, interleaved`);
  console.log(`  templates -> model   ${ab(() => Before.fromTemplates(templates), () => After.fromTemplates(templates))}`);
  console.log(`  evaluate with replay ${ab(() => mb.evaluate(), () => ma.evaluate())}`);
  console.log(`  assembly -> report   ${ab(() => Before.fromAssemblyDirectory(dir).evaluate(), () => After.fromAssemblyDirectory(dir).evaluate())}`);
}
