import { TestBed } from '@angular/core/testing';
import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { firstValueFrom } from 'rxjs';
import { Session } from './session';
import { signedOut } from './signed-out';

const unauthorized = { status: 401, statusText: 'Unauthorized' };
const body = { error: 'Unauthorized', message: 'Sign-in required', requestId: 'r' };

describe('signedOut', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([signedOut])), provideHttpClientTesting()],
    });
  });

  async function answer401(url: string): Promise<void> {
    const call = firstValueFrom(TestBed.inject(HttpClient).get(url)).catch(() => undefined);
    TestBed.inject(HttpTestingController).expectOne(url).flush(body, unauthorized);
    await call;
  }

  it('marks the session expired when a call answers 401 after sign-in', async () => {
    const session = TestBed.inject(Session);
    const loading = session.load();
    TestBed.inject(HttpTestingController)
      .expectOne('/api/me')
      .flush({ sub: 's', email: 'a@b.test', platformAdmin: false, tenants: [], demo: false });
    await loading;
    expect(session.expired()).toBe(false);
    await answer401('/api/tenants/acme/customers/search');
    expect(session.expired()).toBe(true);
  });

  it('leaves a page that never signed in to the not-granted page', async () => {
    const session = TestBed.inject(Session);
    await answer401('/api/me');
    expect(session.expired()).toBe(false);
  });
});
