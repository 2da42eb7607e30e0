import { DOCUMENT } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { HttpXsrfTokenExtractor } from '@angular/common/http';
import { appConfig } from '../app.config';

/** The app's own providers, with a document whose cookies the test sets. */
function extractorWith(cookie: string): HttpXsrfTokenExtractor {
  TestBed.configureTestingModule({
    providers: [...appConfig.providers, { provide: DOCUMENT, useValue: { cookie } }],
  });
  return TestBed.inject(HttpXsrfTokenExtractor);
}

describe('XsrfCookieExtractor', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('reads the __Host- cookie the BFF sets over https', () => {
    expect(extractorWith('theme=dark; __Host-XSRF-TOKEN=tok%2Fen-1').getToken()).toBe('tok/en-1');
  });

  it('prefers the __Host- cookie to a plain one of the same name', () => {
    expect(extractorWith('XSRF-TOKEN=planted; __Host-XSRF-TOKEN=real').getToken()).toBe('real');
  });

  it('reads the plain cookie of the http demo', () => {
    expect(extractorWith('XSRF-TOKEN=demo-token').getToken()).toBe('demo-token');
  });

  it('is null without a token', () => {
    expect(extractorWith('theme=dark').getToken()).toBeNull();
  });
});
