// The ChangeFeed contract on the in-process adapter and on Google's Pub/Sub emulator (started
// here when PUBSUB_EMULATOR_HOST is unset; docs/decisions/0002-tests-and-strict-mode.md: a missing
// emulator skips locally and fails in strict mode).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { changeFeedContract } from '../../../test/contracts/change-feed.contract.ts';
import { needs } from '../../../test/support/backends.ts';
import {
  PUBSUB_EMULATOR,
  pubsubEmulatorAvailable,
  startPubSubEmulator,
} from '../../../test/support/pubsub-emulator.ts';
import { InProcessChangeFeed, InProcessTopic } from './in-process-change-feed.ts';
import { PubSubChangeFeed, subscriptionId } from './pubsub-change-feed.ts';
import { StoreUnavailable } from '../../domain/errors.ts';

changeFeedContract('in process', async () => {
  const topic = new InProcessTopic();
  return { replica: (name) => new InProcessChangeFeed(topic, name), cleanup: async () => {} };
});

const emulatorOptions = needs(
  'the Pub/Sub emulator',
  pubsubEmulatorAvailable(),
  `PUBSUB_EMULATOR_HOST or ${PUBSUB_EMULATOR}`,
);
let emulator: { host: string; stop: () => Promise<void> } | undefined;
if (!emulatorOptions.skip) {
  before(async () => {
    emulator = await startPubSubEmulator();
  });
  after(async () => {
    await emulator?.stop();
  });
}

changeFeedContract(
  'Google Cloud Pub/Sub (emulator)',
  async () => {
    const topic = `changes-${process.pid}-${randomBytes(4).toString('hex')}`;
    return {
      replica: (name) =>
        new PubSubChangeFeed({ projectId: 'redoubt-test', topic, replica: name, emulatorHost: emulator!.host }),
      cleanup: async () => {},
    };
  },
  emulatorOptions,
);

test('subscription ids are valid Pub/Sub ids whatever the replica is called', () => {
  assert.equal(subscriptionId('redoubt-changes', 'bff-0'), 'redoubt-changes-bff-0');
  assert.equal(subscriptionId('redoubt-changes', 'pod/7 é'), 'redoubt-changes-pod-7--');
  assert.equal(subscriptionId('9x', 'a'), 'r-9x-a');
});

test('a feed that cannot be reached fails open() with StoreUnavailable(feed)', async () => {
  // Nothing listens on port 9 of loopback.
  const feed = new PubSubChangeFeed({
    projectId: 'redoubt-test',
    topic: 'unreachable',
    replica: 'a',
    emulatorHost: '127.0.0.1:9',
  });
  try {
    await assert.rejects(
      () => feed.open(),
      (error) => error instanceof StoreUnavailable && error.store === 'feed',
    );
  } finally {
    await feed.close();
  }
});
