// Verifies Google IAP's signed header (docs/threat-model.md A1-A5) with jose. The embedded demo's identity
// proxy signs the same kind of token, and this same function verifies it against the proxy's keys.
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { InvalidIdentity, StoreUnavailable, Unauthenticated } from '../../domain/errors.ts';

export const IAP_HEADER = 'x-goog-iap-jwt-assertion';

/** Clock skew allowed on exp / iat / nbf. */
export const SKEW_SECONDS = 30;
/** IAP tokens live 10 minutes; anything longer-lived was not minted by IAP. */
export const MAX_LIFETIME_SECONDS = 600 + 2 * SKEW_SECONDS;

export interface IapVerifierOptions {
  /** Exact `aud`: /projects/NUM/global/backendServices/ID or /projects/NUM/apps/PROJECT_ID. */
  audience: string;
  issuer: string;
  /** Workspace domains (`hd` claim) allowed to sign in; empty allows any. */
  allowedDomains: readonly string[];
  /**
   * Service-account emails allowed in when allowedDomains is set: service accounts carry no `hd`,
   * so without this list the domain check would shut every machine caller out.
   */
  allowedServiceAccounts?: readonly string[];
  /** Key resolver: a remote JWK set in production, the demo proxy's (or a test's) set otherwise. */
  keys: JWTVerifyGetKey;
}

export interface IapIdentity {
  sub: string;
  email: string;
  /** The assertion's `exp` (epoch seconds). */
  expiresAt: number;
}

/**
 * Google's JWK set, cached by jose (10 min), one shared in-flight fetch, an unknown kid refetches
 * at most once per cooldown, failures are not cached.
 */
export function remoteIapKeys(url: string, options: { cooldownMs?: number; timeoutMs?: number } = {}): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: 600_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
}

/** Token faults: the caller's problem, 401. Anything else (key set unreachable, malformed) is 503. */
const REJECTED = [
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JWKInvalid,
];

export async function verifyIapAssertion(token: string | undefined, options: IapVerifierOptions): Promise<IapIdentity> {
  if (!token) throw new Unauthenticated();
  let payload;
  try {
    ({ payload } = await jwtVerify(token, options.keys, {
      algorithms: ['ES256'],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: SKEW_SECONDS,
      maxTokenAge: MAX_LIFETIME_SECONDS,
      requiredClaims: ['sub', 'email', 'iat', 'exp'],
    }));
  } catch (error) {
    if (REJECTED.some((kind) => error instanceof kind)) {
      throw new InvalidIdentity(`Identity assertion rejected (${(error as errors.JOSEError).code})`);
    }
    // Fail closed: without keys nobody gets in, but it is our fault, not the caller's.
    throw new StoreUnavailable('identity-keys', error, 5, 'Identity keys are unavailable; try again shortly');
  }
  const { sub, email, hd, exp, iat } = payload as {
    sub?: unknown;
    email?: unknown;
    hd?: unknown;
    exp: number;
    iat: number;
  };
  if (typeof sub !== 'string' || sub === '' || typeof email !== 'string' || !email.includes('@')) {
    throw new InvalidIdentity('Identity assertion rejected (sub and email required)');
  }
  if (exp - iat > MAX_LIFETIME_SECONDS) {
    throw new InvalidIdentity('Identity assertion rejected (lifetime too long)');
  }
  const domainOk = typeof hd === 'string' && options.allowedDomains.includes(hd);
  // Only an assertion without `hd` can be a service account's; the email must be listed exactly.
  const serviceAccountOk = hd === undefined && (options.allowedServiceAccounts ?? []).includes(email.toLowerCase());
  if (options.allowedDomains.length > 0 && !domainOk && !serviceAccountOk) {
    throw new InvalidIdentity('Identity assertion rejected (domain not allowed)');
  }
  return { sub, email: email.toLowerCase(), expiresAt: exp };
}

/**
 * verifyIapAssertion with a short memory: an assertion verified once is accepted again for at most
 * a minute and never past its expiry (+ skew). Saves the ES256 verification (~0.1-0.2 ms of CPU)
 * when a client or the demo proxy repeats the same assertion. It weakens nothing: the key set
 * itself is cached for 10 minutes, and the principal is still looked up on every request.
 */
export function cachingVerifier(options: IapVerifierOptions, rememberMs = 60_000) {
  const verified = new Map<string, { identity: IapIdentity; until: number }>();
  return async (token: string | undefined): Promise<IapIdentity> => {
    const hit = token ? verified.get(token) : undefined;
    if (hit && hit.until > Date.now()) return hit.identity;
    const identity = await verifyIapAssertion(token, options);
    if (verified.size >= 10_000) verified.clear();
    verified.set(token!, {
      identity,
      until: Math.min(Date.now() + rememberMs, (identity.expiresAt + SKEW_SECONDS) * 1000),
    });
    return identity;
  };
}
