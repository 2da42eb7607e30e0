// `npm run ingest -- <file.ndjson> --tenant <t> [--batch 5000]`: loads an NDJSON file into the
// configured stores (same environment variables as the server) through the same ingestion path as
// POST /events: validation, idempotency by event id, profile + index + graph. Prints a progress bar
// on a terminal and, at the end, the errors (line, field, reason) and a JSON summary.
// `npm run ingest -- --generate 1000 --tenant acme-shop > file.ndjson` writes synthetic events.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { generateEvents } from '@redoubt/synthetic';
import { MAX_BATCH_EVENTS } from '@redoubt/contracts';
import type { IngestError } from '@redoubt/contracts';
import { loadConfig } from '../config.ts';
import Fastify from 'fastify';
import { registerServices } from '../plugins/services/index.ts';
import type { BatchLine } from '../services/ingest.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    batch: { type: 'string', default: '5000' },
    generate: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'create-tenant': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const usage =
  'usage: npm run ingest -- <file.ndjson> --tenant <tenant> [--batch N] [--create-tenant "Display name"]\n' +
  '       npm run ingest -- --generate <customers> --tenant <tenant> [--seed N] > file.ndjson';
if (values.help || !values.tenant) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}
const tenant = values.tenant;

if (values.generate) {
  for (const event of generateEvents({ seed: Number(values.seed), tenant, customers: Number(values.generate) })) {
    if (!process.stdout.write(JSON.stringify(event) + '\n')) await new Promise((r) => process.stdout.once('drain', r));
  }
  process.exit(0);
}

const file = positionals[0];
if (!file) {
  console.error(usage);
  process.exit(2);
}
const batchSize = Math.min(MAX_BATCH_EVENTS, Math.max(1, Number(values.batch)));
const totalBytes = statSync(file).size;

const config = loadConfig();
// The same service plugins as the server, without HTTP; close() snapshots the graph and closes the stores.
const services = Fastify({ logger: false, pluginTimeout: 0 });
await registerServices(services, { config });
await services.ready();
if (values['create-tenant']) await services.reviews.ensureTenant(tenant, values['create-tenant']);
if (!(await services.reviews.listTenants()).some((t) => t.id === tenant)) {
  console.error(
    `unknown tenant "${tenant}": create it first (npm run admin -- tenant <id> <name>, or pass --create-tenant <name>)`,
  );
  await services.close();
  process.exit(2);
}

const started = Date.now();
let bytes = 0;
let lineNo = 0;
const totals = { accepted: 0, duplicates: 0, rejected: 0 };
const errors: IngestError[] = [];
const tty = process.stderr.isTTY;

function progress(done = false): void {
  const share = totalBytes ? bytes / totalBytes : 1;
  const width = 30;
  const bar = '█'.repeat(Math.round(share * width)).padEnd(width, '░');
  const rate = Math.round(
    (totals.accepted + totals.duplicates + totals.rejected) / Math.max(0.001, (Date.now() - started) / 1000),
  );
  const text = `${bar} ${(share * 100).toFixed(1).padStart(5)}%  ${lineNo.toLocaleString()} lines  ${rate.toLocaleString()}/s  accepted ${totals.accepted.toLocaleString()}  duplicates ${totals.duplicates.toLocaleString()}  rejected ${totals.rejected.toLocaleString()}`;
  if (tty) process.stderr.write(`\r${text}${done ? '\n' : ''}`);
  else if (done) process.stderr.write(text + '\n');
}

let batch: BatchLine[] = [];
async function flush(): Promise<void> {
  if (batch.length === 0) return;
  const report = await services.ingest.ingest(tenant, batch);
  totals.accepted += report.accepted;
  totals.duplicates += report.duplicates;
  totals.rejected += report.rejected;
  errors.push(...report.errors);
  batch = [];
  progress();
}

const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
for await (const text of lines) {
  lineNo++;
  bytes += Buffer.byteLength(text) + 1;
  if (!text.trim()) continue;
  try {
    batch.push({ line: lineNo, value: JSON.parse(text), text });
  } catch (error) {
    batch.push({ line: lineNo, error: `is not valid JSON (${(error as Error).message})` });
  }
  if (batch.length >= batchSize) await flush();
}
await flush();
bytes = totalBytes;
progress(true);

for (const e of errors.slice(0, 50)) console.error(`line ${e.line}: ${e.field || '(line)'} ${e.reason}`);
if (errors.length > 50) console.error(`... and ${errors.length - 50} more errors`);
await services.close();
console.log(JSON.stringify({ tenant, file, lines: lineNo, ...totals, seconds: (Date.now() - started) / 1000 }));
process.exit(totals.rejected > 0 ? 1 : 0);
