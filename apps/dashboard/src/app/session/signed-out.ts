import { HttpErrorResponse } from '@angular/common/http';
import type { HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { tap } from 'rxjs';
import { Session } from './session';

/**
 * Notices a session that ended under an open page (IAP cookie expired, demo user signed out in
 * another tab): the shell then offers a reload, which sends the person through sign-in. It never
 * reloads by itself, so a misconfigured server cannot cause a reload loop.
 */
export const signedOut: HttpInterceptorFn = (request, next) => {
  const session = inject(Session);
  return next(request).pipe(
    tap({
      error: (error: unknown) => {
        if (error instanceof HttpErrorResponse && error.status === 401 && session.me()) session.expired.set(true);
      },
    }),
  );
};
