import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import dashboard from './dashboard.ts';

test('the dashboard files go out compressed when the browser accepts it (the build writes .br and .gz)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redoubt-dashboard-'));
  const js = 'console.log("redoubt");\n'.repeat(200);
  const html = '<!doctype html><title>Redoubt</title>';
  writeFileSync(join(dir, 'index.html'), html);
  writeFileSync(join(dir, 'index.html.br'), brotliCompressSync(html));
  writeFileSync(join(dir, 'index.html.gz'), gzipSync(html));
  writeFileSync(join(dir, 'main-ABC.js'), js);
  writeFileSync(join(dir, 'main-ABC.js.br'), brotliCompressSync(js));
  writeFileSync(join(dir, 'main-ABC.js.gz'), gzipSync(js));
  const app = Fastify({ logger: false });
  await app.register(dashboard, { dir });

  const br = await app.inject({ url: '/main-ABC.js', headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(br.statusCode, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.match(String(br.headers['vary']), /accept-encoding/i);
  assert.ok(br.rawPayload.length < js.length / 4);
  assert.equal(brotliDecompressSync(br.rawPayload).toString(), js);

  const gz = await app.inject({ url: '/main-ABC.js', headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(gz.rawPayload).toString(), js);

  // The app shell at `/` (the index), compressed or not.
  const index = await app.inject({ url: '/', headers: { 'accept-encoding': 'br' } });
  assert.equal(index.statusCode, 200);
  assert.equal(brotliDecompressSync(index.rawPayload).toString(), html);
  const page = await app.inject({ url: '/t/acme-shop/search', headers: { 'accept-encoding': 'gzip' } });
  assert.equal(page.statusCode, 200);
  assert.equal(gunzipSync(page.rawPayload).toString(), html);
  const indexPlain = await app.inject({ url: '/' });
  assert.equal(indexPlain.statusCode, 200);
  assert.equal(indexPlain.body, html);

  const plain = await app.inject({ url: '/main-ABC.js', headers: { 'accept-encoding': 'identity' } });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body, js);
  await app.close();
});
