// The one server secret (REDOUBT_SECRET) and the keys derived from it. Every replica behind a load
// balancer must derive the same CSRF, session and cursor keys, so none of them may be random per
// process. Rotation: set the new secret in REDOUBT_SECRET and the old one in
// REDOUBT_SECRET_PREVIOUS; values signed with either verify, new values are signed with the new one.
// Remove the previous secret once everything it signed has expired (XSRF tokens and cursors live
// for a browser session at most). See docs/decisions/0005-tenant-isolation.md.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';

/** Shortest accepted secret: 32 characters (e.g. `openssl rand -base64 32` gives 44). */
export const MIN_SECRET_LENGTH = 32;

/** What a derived key is for; each purpose gets its own key, so one leaking reveals no other. */
export type KeyPurpose = 'csrf' | 'session' | 'cursor' | 'audit';

export interface Signer {
  /** `payload` made tamper-evident: base64url(payload) + '.' + base64url(HMAC-SHA256). */
  sign(payload: string): string;
  /** The payload when `signed` came from sign() under the current or the previous secret; else undefined. */
  verify(signed: string): string | undefined;
}

export interface Secrets {
  /** 32-byte keys for the purpose, newest first: [current] or [current, previous]. */
  keys(purpose: KeyPurpose): Buffer[];
  /** Signs with the current key, verifies with either (cursors use signer('cursor')). */
  signer(purpose: KeyPurpose): Signer;
}

/** The file the embedded demo keeps its generated secret in (never used outside the demo). */
export const DEMO_SECRET_FILE = 'server-secret';

function derive(secret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'redoubt', `redoubt/${purpose}/v1`, 32));
}

export function secretsFrom(current: string, previous?: string): Secrets {
  const sources = previous ? [current, previous] : [current];
  const cache = new Map<KeyPurpose, Buffer[]>();
  const keys = (purpose: KeyPurpose) => {
    let found = cache.get(purpose);
    if (!found) cache.set(purpose, (found = sources.map((s) => derive(s, purpose))));
    return found;
  };
  return {
    keys,
    signer(purpose) {
      const [newest, ...older] = keys(purpose);
      const mac = (key: Buffer, body: string) => createHmac('sha256', key).update(body).digest();
      return {
        sign(payload) {
          const body = Buffer.from(payload, 'utf8').toString('base64url');
          return `${body}.${mac(newest!, body).toString('base64url')}`;
        },
        verify(signed) {
          const dot = signed.lastIndexOf('.');
          if (dot <= 0) return undefined;
          const body = signed.slice(0, dot);
          const given = Buffer.from(signed.slice(dot + 1), 'base64url');
          if (given.length !== 32) return undefined;
          const ok = [newest!, ...older].some((key) => timingSafeEqual(mac(key, body), given));
          return ok ? Buffer.from(body, 'base64url').toString('utf8') : undefined;
        },
      };
    },
  };
}

/**
 * The secrets this server runs with. Configured (REDOUBT_SECRET): those. The embedded demo without
 * one: a secret generated once and kept in `<dataDir>/server-secret` (mode 0600), so a restart keeps
 * browsers' tokens valid. Anything else refuses to start: loadConfig already refused it, this is the
 * second lock for configs built by hand.
 */
export function secretsFor(config: Pick<Config, 'secret' | 'dataDir' | 'demoIdentityProxy'>): Secrets {
  if (config.secret.current) return secretsFrom(config.secret.current, config.secret.previous);
  if (!config.demoIdentityProxy) {
    throw new Error('REDOUBT_SECRET is required outside the embedded demo (at least 32 characters)');
  }
  const file = join(config.dataDir, DEMO_SECRET_FILE);
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  return secretsFrom(readFileSync(file, 'utf8').trim());
}
