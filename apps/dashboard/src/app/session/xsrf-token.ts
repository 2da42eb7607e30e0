import { DOCUMENT, Injectable, inject } from '@angular/core';
import { HttpXsrfTokenExtractor } from '@angular/common/http';

/** The BFF's token cookie over https: `__Host-` so no sibling subdomain can plant one. */
export const XSRF_COOKIE = '__Host-XSRF-TOKEN';
/** The same cookie in the embedded demo, served over plain http on loopback (no Secure, no prefix). */
export const XSRF_COOKIE_DEMO = 'XSRF-TOKEN';

/**
 * Reads the XSRF token the BFF set, under either name, for Angular's XSRF interceptor (which still
 * decides when to send it: relative, mutating requests only). A planted plain cookie gains nothing:
 * the BFF checks the token against its own __Host- secret cookie and the signed-in subject.
 */
@Injectable()
export class XsrfCookieExtractor extends HttpXsrfTokenExtractor {
  private readonly document = inject(DOCUMENT);

  getToken(): string | null {
    return this.read(XSRF_COOKIE) ?? this.read(XSRF_COOKIE_DEMO);
  }

  private read(name: string): string | null {
    for (const part of this.document.cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
    }
    return null;
  }
}
