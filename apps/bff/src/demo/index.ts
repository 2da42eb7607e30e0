// The embedded demo, in one folder: the identity proxy that stands where IAP stands, its people
// and organisations, their provisioning, the seeding and live trickle, and the demo routes.
// app.ts imports this folder only in demo mode (config.ts allows that only when every store is
// embedded and the server listens on loopback; docs/threat-model.md), so production code never
// loads it.
//
//   demoSetup   before the auth plugin: the Host allowlist, the proxy's keys, provisioning
//   demoProxy   given to the auth plugin, which registers it in front of its access hook
//   demoRoutes  after the routes: /api/demo/status, and seeding + trickle once the server listens
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { JWTVerifyGetKey } from 'jose';
import { Forbidden } from '../domain/errors.ts';
import demoIdentityProxy, { DEMO_AUDIENCE, openDemoIdentityProxy } from './identity-proxy.ts';
import type { DemoIdentityProxy } from './identity-proxy.ts';
import { provisionDemo } from './provision.ts';
import { demoTenantClaims } from './tenants.ts';
import { Demo } from './seeder.ts';
import { demoStatusRoutes } from './routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The embedded demo's seeding and trickle (demo mode only). */
    demo: Demo;
    /** The demo identity proxy's signing keys (demo mode only). */
    demoIdentityProxy: DemoIdentityProxy;
  }
}

/** Host names the local demo answers to: loopback only. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The host name of a Host header, without the port. */
export function hostName(host: string | undefined): string {
  if (!host) return '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return name.toLowerCase();
}

export const demoSetup = fp(
  async (app) => {
    // DNS rebinding: a web page on evil.test can point its own name at 127.0.0.1 and then read the
    // local demo with the browser's cookies. The browser still sends Host: evil.test, so only
    // loopback names are answered (docs/threat-model.md).
    app.addHook('onRequest', async (request) => {
      if (!LOOPBACK_HOSTS.has(hostName(request.headers.host))) {
        request.log.warn({ host: request.headers.host }, 'demo refused a request for another host name');
        throw new Forbidden('HOST_NOT_ALLOWED', 'The local demo answers on localhost and 127.0.0.1 only');
      }
    });
    const proxy = await openDemoIdentityProxy(app.config.dataDir, app.config.iap.issuer);
    app.decorate('demoIdentityProxy', proxy);
    await provisionDemo(demoTenantClaims(app.config.dataDir, app.reviews), app.users);
  },
  { name: 'demo-setup', dependencies: ['config', 'users', 'reviews'] },
);

/** What the auth plugin verifies in demo mode, and the proxy it registers in front of itself. */
export function demoIdentity(proxy: DemoIdentityProxy): {
  audience: string;
  keys: JWTVerifyGetKey;
  proxy: FastifyPluginAsync;
} {
  return {
    audience: DEMO_AUDIENCE,
    keys: proxy.keys,
    // fp: its hook must apply to every route, not only inside this plugin.
    proxy: fp(async (app) => {
      await app.register(demoIdentityProxy, { proxy, secureCookies: false });
    }),
  };
}

export const demoRoutes = fp(
  async (app) => {
    const { dataDir, demo: settings } = app.config;
    const demo = new Demo({
      dataDir,
      seedCustomers: settings.seedCustomers,
      trickle: settings.trickle,
      ingest: app.ingest,
      claimTenant: demoTenantClaims(dataDir, app.reviews),
      log: app.log,
    });
    app.decorate('demo', demo);
    // Started once the server listens, never for app.inject tests; stopped first on close.
    app.addHook('onListen', async () => demo.start(() => app.graphs.snapshot()));
    app.addHook('onClose', () => demo.stop());
    await app.register(demoStatusRoutes);
  },
  { name: 'demo', dependencies: ['demo-setup', 'config', 'ingest', 'reviews', 'graphs'] },
);
