import { provideBrowserGlobalErrorListeners } from '@angular/core';
import type { ApplicationConfig } from '@angular/core';
import {
  HttpXsrfTokenExtractor,
  provideHttpClient,
  withInterceptors,
  withXsrfConfiguration,
} from '@angular/common/http';
import { provideRouter, withComponentInputBinding, withRouterConfig } from '@angular/router';
import { routes } from './app.routes';
import { signedOut } from './session/signed-out';
import { XsrfCookieExtractor } from './session/xsrf-token';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // Route params (:tenant, :id) and query params (?q=) arrive as component inputs; children see
    // the parent's :tenant too.
    provideRouter(routes, withComponentInputBinding(), withRouterConfig({ paramsInheritanceStrategy: 'always' })),
    // The BFF sets the __Host-XSRF-TOKEN cookie (XSRF-TOKEN in the http demo); Angular echoes it
    // in X-XSRF-TOKEN on relative writes.
    // The default XHR backend: withFetch() would add a second backend (~3 kB) to the initial bundle.
    provideHttpClient(
      withXsrfConfiguration({ cookieName: 'XSRF-TOKEN', headerName: 'X-XSRF-TOKEN' }),
      withInterceptors([signedOut]),
    ),
    { provide: HttpXsrfTokenExtractor, useClass: XsrfCookieExtractor },
    // Icons: mat-icon's default font-set class draws with the subset of Material Symbols Outlined
    // (styles.scss), so no @angular/material code is in the initial bundle.
  ],
};
