import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Me, SearchResult } from '@redoubt/contracts/api';
import { Session } from '../session/session';
import { parseAs } from './parse';

const me: Me = {
  sub: 'demo:ana',
  email: 'ana@acme.test',
  platformAdmin: false,
  tenants: [{ id: 'acme', name: 'Acme', role: 'analyst' }],
  demo: true,
};

describe('parseAs', () => {
  it('passes a body in the contract shape through, times included', () => {
    const body: SearchResult = {
      hits: [{ id: 'c-1', name: 'Ada', lastSeen: '2026-11-01T10:00:00Z' }],
      total: 1,
      facets: {},
      partial: false,
    };
    expect(parseAs(SearchResult)(body)).toBe(body);
    expect(parseAs(Me)(me)).toBe(me);
  });

  it('refuses another shape, naming the field', () => {
    // An older server that sent one role for the person instead of one per tenant.
    const old = {
      sub: 'demo:ana',
      email: 'ana@acme.test',
      role: 'admin',
      tenants: [{ id: 'acme', name: 'Acme' }],
      demo: true,
    };
    expect(() => parseAs(Me)(old)).toThrow(/not in the expected shape \(\/(platformAdmin|tenants\/0\/role)/);
    expect(() => parseAs(SearchResult)({ hits: [], total: 'many' })).toThrow(/expected shape/);
  });

  it('a session whose /api/me has another shape fails to load instead of offering screens', async () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    const session = TestBed.inject(Session);
    const loading = session.load().then(
      () => 'loaded',
      (error: Error) => error.message,
    );
    TestBed.inject(HttpTestingController)
      .expectOne('/api/me')
      .flush({ ...me, tenants: [{ id: 'acme', name: 'Acme', role: 'owner' }] });
    expect(await loading).toMatch(/\/tenants\/0\/role/);
    expect(session.me()).toBeUndefined();
  });
});
