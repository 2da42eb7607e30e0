import { TestBed } from '@angular/core/testing';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { Note } from '@redoubt/contracts/api';
import { appConfig } from '../app.config';
import { NotesPanel } from './notes-panel';

const url = '/api/tenants/acme/customers/c-1/notes';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const older: Note = {
  id: '6f1c2b9e-0000-4000-8000-000000000001',
  customerId: 'c-1',
  authorEmail: 'lee@acme.test',
  body: 'Called the bank.',
  createdAt: '2026-11-20T09:00:00Z',
};

async function setup() {
  // The app's own HTTP configuration, so the XSRF settings are the ones under test.
  TestBed.configureTestingModule({ providers: [...appConfig.providers, provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(NotesPanel);
  fixture.componentRef.setInput('tenant', 'acme');
  fixture.componentRef.setInput('customerId', 'c-1');
  TestBed.tick();
  const http = TestBed.inject(HttpTestingController);
  http.expectOne({ method: 'GET', url }).flush({ notes: [older] });
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const write = async (text: string) => {
    const box = el.querySelector<HTMLTextAreaElement>('[data-testid="note-input"]')!;
    box.value = text;
    box.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[data-testid="note-submit"]')!.click();
    TestBed.tick();
  };
  // The save continues after the response in a microtask; let it land, then render.
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  return { fixture, http, el, write, settle };
}

describe('NotesPanel', () => {
  afterEach(() => {
    document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });

  it('posts the note with a fresh uuid and the XSRF header, then shows it first', async () => {
    document.cookie = 'XSRF-TOKEN=token-123';
    const { http, el, write, settle } = await setup();
    expect(el.querySelectorAll('[data-testid="note"]').length).toBe(1);

    await write('  Same device as a known fraudster.  ');
    const req = http.expectOne({ method: 'POST', url });
    expect(req.request.body.body).toBe('Same device as a known fraudster.');
    expect(req.request.body.id).toMatch(UUID);
    expect(req.request.headers.get('X-XSRF-TOKEN')).toBe('token-123');
    req.flush(
      { ...older, id: req.request.body.id, body: req.request.body.body, authorEmail: 'ana@acme.test' },
      { status: 201, statusText: 'Created' },
    );
    await settle();

    const notes = [...el.querySelectorAll('[data-testid="note"]')].map((n) => n.textContent ?? '');
    expect(notes.length).toBe(2);
    expect(notes[0]).toContain('Same device as a known fraudster.');
    expect(notes[0]).toContain('ana@acme.test');
    expect(notes[1]).toContain('Called the bank.');
    expect(el.querySelector<HTMLTextAreaElement>('[data-testid="note-input"]')!.value).toBe('');
    http.verify();
  });

  it("shows the server's message on failure and resends the same id on retry", async () => {
    const { http, el, write, settle } = await setup();
    await write('Chargeback expected.');
    const first = http.expectOne({ method: 'POST', url });
    first.flush(
      { error: 'Service Unavailable', message: 'Review store is not reachable', requestId: 'req-7' },
      { status: 503, statusText: 'Service Unavailable' },
    );
    await settle();
    expect(el.querySelector('[data-testid="note-error"]')?.textContent).toContain(
      'Review store is not reachable (request req-7)',
    );
    expect(el.querySelectorAll('[data-testid="note"]').length).toBe(1);

    el.querySelector<HTMLButtonElement>('[data-testid="note-submit"]')!.click();
    TestBed.tick();
    const retry = http.expectOne({ method: 'POST', url });
    expect(retry.request.body).toEqual(first.request.body);
    retry.flush({ ...older, id: retry.request.body.id, body: 'Chargeback expected.' });
    await settle();
    expect(el.querySelector('[data-testid="note-error"]')).toBeNull();
    expect(el.querySelectorAll('[data-testid="note"]').length).toBe(2);
  });

  it('gives a new note a new id', async () => {
    const { http, write, settle } = await setup();
    await write('First.');
    const first = http.expectOne({ method: 'POST', url });
    first.flush({ ...older, id: first.request.body.id, body: 'First.' });
    await settle();
    await write('Second.');
    const second = http.expectOne({ method: 'POST', url });
    expect(second.request.body.id).not.toBe(first.request.body.id);
  });
});
