// Timeline cursors: the (time, event id) of the last event on a page, opaque to clients.
import { BadCursor } from '../../domain/errors.ts';

export function encodeCursor(at: number, eventId: string): string {
  return Buffer.from(JSON.stringify([at, eventId])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: number; eventId: string } {
  try {
    const [at, eventId] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    if (typeof at === 'number' && Number.isFinite(at) && typeof eventId === 'string') return { at, eventId };
  } catch {
    // fall through to the 400 below
  }
  throw new BadCursor('/query/before');
}
