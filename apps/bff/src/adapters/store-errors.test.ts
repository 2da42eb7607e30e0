// guardStore and the classification of drivers' errors, with errors the real drivers throw
// (pg against PostgreSQL, node:sqlite) and the shapes of the others (gRPC, Elasticsearch).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { BadCursor, StoreFailed, StoreUnavailable } from '../domain/errors.ts';
import { guardStore, storeError } from './store-errors.ts';
import { needs, postgresReachable, testDatabaseUrl } from '../../test/support/backends.ts';

const require = createRequire(import.meta.url);
const es = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');

async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('store errors', () => {
  it('keeps an adapter working through the guard: private fields, properties, sync and async methods', async () => {
    class Adapter {
      readonly #secret = 41;
      hook: number | undefined;
      get answer() {
        return this.#secret + 1;
      }
      async read() {
        return this.#secret;
      }
      cursor(): never {
        throw new BadCursor('/query/after');
      }
      async down(): Promise<never> {
        throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' });
      }
    }
    const adapter = guardStore('reviews', new Adapter());
    assert.ok(adapter instanceof Adapter);
    assert.equal(await adapter.read(), 41);
    assert.equal(adapter.answer, 42);
    adapter.hook = 3;
    assert.equal(adapter.hook, 3);
    assert.throws(() => adapter.cursor(), BadCursor, 'domain errors pass through');
    const error = await caught(() => adapter.down());
    assert.ok(error instanceof StoreUnavailable);
    assert.equal(error.message, 'The reviews store is unavailable; try again shortly');
    assert.match((error.cause as Error).message, /ECONNREFUSED/);
  });

  it('tells PostgreSQL refusing a query from PostgreSQL not answering', async (t) => {
    const skip = needs('PostgreSQL', await postgresReachable(), 'TEST_DATABASE_URL').skip;
    if (skip) return t.skip(skip);
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    try {
      assert.ok(storeError('reviews', await caught(() => client.query('SELEC 1'))) instanceof StoreFailed);
      assert.ok(storeError('reviews', await caught(() => client.query('SELECT 1/0'))) instanceof StoreFailed);
      await client.query('SET statement_timeout = 50');
      const slow = await caught(() => client.query('SELECT pg_sleep(1)'));
      assert.equal((slow as { code?: string }).code, '57014');
      assert.ok(storeError('reviews', slow) instanceof StoreUnavailable);
    } finally {
      await client.end();
    }
    const refused = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres' });
    assert.ok(storeError('reviews', await caught(() => refused.connect())) instanceof StoreUnavailable);
  });

  it('tells node:sqlite refusing a query from a busy or closed file', async () => {
    const db = new DatabaseSync(':memory:');
    assert.ok(storeError('search', await caught(() => db.prepare('SELECT nope FROM nowhere'))) instanceof StoreFailed);
    const statement = db.prepare('SELECT 1');
    db.close();
    assert.ok(storeError('search', await caught(() => statement.get())) instanceof StoreUnavailable);
    assert.ok(storeError('search', await caught(() => db.prepare('SELECT 1'))) instanceof StoreUnavailable);
    const busy = Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_ERROR', errcode: 5 });
    assert.ok(storeError('search', busy) instanceof StoreUnavailable);
  });

  it("classifies gRPC statuses (Bigtable) and Elasticsearch's responses and transport errors", () => {
    const grpc = (code: number) => Object.assign(new Error(`${code} status`), { code, details: 'x', metadata: {} });
    for (const code of [4, 8, 10, 14])
      assert.ok(storeError('profiles', grpc(code)) instanceof StoreUnavailable, `${code}`);
    for (const code of [3, 5, 7, 16]) assert.ok(storeError('profiles', grpc(code)) instanceof StoreFailed, `${code}`);
    const response = (statusCode: number) =>
      new es.errors.ResponseError({ body: {}, statusCode, headers: {}, warnings: null, meta: {} as never });
    for (const status of [429, 500, 503]) assert.ok(storeError('search', response(status)) instanceof StoreUnavailable);
    for (const status of [400, 401, 403, 404]) assert.ok(storeError('search', response(status)) instanceof StoreFailed);
    assert.ok(storeError('search', new es.errors.ConnectionError('down')) instanceof StoreUnavailable);
    assert.ok(storeError('search', new es.errors.TimeoutError('slow')) instanceof StoreUnavailable);
    assert.ok(
      storeError('search', new es.errors.NoLivingConnectionsError('none', {} as never)) instanceof StoreUnavailable,
    );
  });
});
