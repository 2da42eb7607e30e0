// The change feed's configuration (config.ts): unset PUBSUB_PROJECT keeps the in-process feed;
// set, the topic defaults to redoubt-changes and the replica to the host name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { loadConfig } from '../../src/config.ts';

const SECRET = 'x'.repeat(40);

test('no PUBSUB_PROJECT: no Pub/Sub feed', () => {
  assert.equal(loadConfig({ REDOUBT_SECRET: SECRET, REDOUBT_DEMO_IDENTITY: 'false' }).pubsub, undefined);
});

test('PUBSUB_PROJECT, PUBSUB_TOPIC, PUBSUB_EMULATOR_HOST and REDOUBT_REPLICA are read; defaults otherwise', () => {
  assert.deepEqual(
    loadConfig({
      REDOUBT_SECRET: SECRET,
      PUBSUB_PROJECT: 'acme-prod',
      PUBSUB_TOPIC: 'changes',
      PUBSUB_EMULATOR_HOST: '127.0.0.1:8085',
      REDOUBT_REPLICA: 'bff-1',
    }).pubsub,
    { projectId: 'acme-prod', topic: 'changes', emulatorHost: '127.0.0.1:8085', replica: 'bff-1' },
  );
  assert.deepEqual(loadConfig({ REDOUBT_SECRET: SECRET, PUBSUB_PROJECT: 'acme-prod' }).pubsub, {
    projectId: 'acme-prod',
    topic: 'redoubt-changes',
    emulatorHost: undefined,
    replica: hostname(),
  });
});
