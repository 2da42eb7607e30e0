// `npm run generate -- --customers 1000 --tenant acme-shop [--seed 1] [--months 6] > events.ndjson`:
// deterministic synthetic events as NDJSON on stdout (1,000 for tests, 100,000 for the demo,
// 1,000,000 for benchmarks). Load them with `npm run ingest`.
import { parseArgs } from 'node:util';
import { generateEvents } from './generator.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000' },
    tenant: { type: 'string', default: 'acme-shop' },
    seed: { type: 'string', default: '1' },
    months: { type: 'string', default: '6' },
    currency: { type: 'string', default: 'GBP' },
  },
});

const customers = Number(values.customers);
if (!Number.isInteger(customers) || customers < 1) {
  console.error('--customers must be a positive integer');
  process.exit(2);
}
let chunk = '';
for (const event of generateEvents({
  seed: Number(values.seed),
  tenant: values.tenant,
  customers,
  months: Number(values.months),
  currency: values.currency,
})) {
  chunk += JSON.stringify(event) + '\n';
  if (chunk.length > 1 << 20) {
    if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
    chunk = '';
  }
}
process.stdout.write(chunk);
