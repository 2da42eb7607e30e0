import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { describe, expect, it, vi } from 'vitest';
import { prefetchScreens } from './route-guards';

@Component({ selector: 'rd-outer', template: '' })
class Outer {}
@Component({ selector: 'rd-inner', template: '' })
class Inner {}

describe('prefetchScreens', () => {
  it("starts loading every screen of the navigation while another guard still waits, and the router's load finds them", async () => {
    let answer!: (allowed: boolean) => void;
    const waiting = new Promise<boolean>((resolve) => (answer = resolve));
    const outer = vi.fn(() => Promise.resolve(Outer));
    const inner = vi.fn(() => Promise.resolve(Inner));
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          {
            path: 't/:tenant',
            canActivate: [prefetchScreens, () => waiting],
            loadComponent: outer,
            children: [{ path: 'search', loadComponent: inner }],
          },
        ]),
      ],
    });
    const router = TestBed.inject(Router);
    const navigated = router.navigateByUrl('/t/acme/search');
    await new Promise((resolve) => setTimeout(resolve));
    // The other guard (standing in for /api/me) has not answered: both screens are loading already.
    expect(outer).toHaveBeenCalledTimes(1);
    expect(inner).toHaveBeenCalledTimes(1);
    answer(true);
    expect(await navigated).toBe(true);
    expect(router.url).toBe('/t/acme/search');
  });
});
