// The review state machine: the one place that says how a customer's review moves and who may
// move it. Store adapters load the current state, call transition(), and write what it returns;
// they never decide a transition themselves (docs/decisions/0006-reviews-and-the-queue.md).
//
//   none ──enqueue──► open ──claim──► claimed ──decide──► decided ──reopen(reason)──► open
//                      ▲   ◄─release──   │                   ▲
//                      │                 └──reassign(lead)───┘ (claimed → claimed, new assignee)
//   open / none ──decide──► decided      (an analyst may decide without claiming first)
//   decided ──decide──► decided           (a new decision on top, e.g. an undo)
import { Conflict, Forbidden, Unprocessable } from './errors.ts';

export const REVIEW_STATUSES = ['none', 'open', 'claimed', 'decided'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_EVENTS = ['enqueue', 'claim', 'release', 'reassign', 'decide', 'reopen'] as const;
export type ReviewEvent = (typeof REVIEW_EVENTS)[number];

export type ReviewerRole = 'analyst' | 'lead' | 'system';

export interface Person {
  sub: string;
  email: string;
}

/** The part of a customer's review state the machine reads. */
export interface MachineState {
  status: ReviewStatus;
  assignee: Person | null;
  /** Epoch ms after which a claim no longer holds (idle expiry). */
  claimExpiresAt: number | null;
}

export interface TransitionInput {
  event: ReviewEvent;
  actor: Person & { role: ReviewerRole };
  now: number;
  /** reopen and reassign need a reason in words. */
  reason?: string;
  /** reassign: the analyst who takes the item. */
  to?: Person;
  /** claim: how long the claim holds without activity. */
  claimIdleMs?: number;
}

export class InvalidTransition extends Conflict {
  readonly from: ReviewStatus;
  readonly event: ReviewEvent;
  constructor(from: ReviewStatus, event: ReviewEvent, why: string) {
    super('INVALID_TRANSITION', `Cannot ${event} a review that is ${from}: ${why}`);
    this.from = from;
    this.event = event;
  }
}

/** True when someone other than `actor` holds a live claim. */
export function claimedByOther(state: MachineState, actor: Person, now: number): boolean {
  return (
    state.status === 'claimed' &&
    state.assignee !== null &&
    // Emails are unique per person (users.email); a lead may reassign to someone by email before
    // their subject is known, so either matching means "the same person".
    state.assignee.sub !== actor.sub &&
    state.assignee.email.toLowerCase() !== actor.email.toLowerCase() &&
    (state.claimExpiresAt === null || state.claimExpiresAt > now)
  );
}

function requireRole(input: TransitionInput, roles: readonly ReviewerRole[]): void {
  if (!roles.includes(input.actor.role)) {
    throw new Forbidden('REVIEW_ROLE', `A ${input.actor.role} may not ${input.event} a review`);
  }
}

function requireReason(input: TransitionInput): string {
  const reason = input.reason?.trim();
  if (!reason)
    throw new Unprocessable('REASON_REQUIRED', `${input.event} needs a reason`, [
      { field: '/body/reason', reason: `is required to ${input.event}` },
    ]);
  return reason;
}

const PEOPLE: readonly ReviewerRole[] = ['analyst', 'lead'];

/**
 * The state after `input.event`, or a domain error: InvalidTransition (409) for a move the
 * machine does not have, Forbidden (403) for a role that may not make it, Unprocessable (422)
 * for a missing reason or assignee.
 */
export function transition(state: MachineState, input: TransitionInput): MachineState {
  const { event, actor, now } = input;
  const s = state.status;
  switch (event) {
    case 'enqueue':
      requireRole(input, ['system', ...PEOPLE]);
      if (s !== 'none') throw new InvalidTransition(s, event, 'it is already in the queue or decided');
      return { status: 'open', assignee: null, claimExpiresAt: null };

    case 'claim': {
      requireRole(input, PEOPLE);
      if (s !== 'open' && s !== 'claimed') throw new InvalidTransition(s, event, 'only queued reviews can be claimed');
      if (claimedByOther(state, actor, now)) {
        throw new InvalidTransition(s, event, `${state.assignee!.email} holds the claim`);
      }
      const idle = input.claimIdleMs ?? 30 * 60_000;
      return { status: 'claimed', assignee: { sub: actor.sub, email: actor.email }, claimExpiresAt: now + idle };
    }

    case 'release':
      requireRole(input, PEOPLE);
      if (s !== 'claimed') throw new InvalidTransition(s, event, 'it is not claimed');
      // The holder releases; a lead may release anyone's claim; an expired claim is anyone's to drop.
      if (claimedByOther(state, actor, now) && actor.role !== 'lead') {
        throw new Forbidden('NOT_YOUR_CLAIM', `${state.assignee!.email} holds the claim; only a lead may release it`);
      }
      return { status: 'open', assignee: null, claimExpiresAt: null };

    case 'reassign': {
      requireRole(input, ['lead']);
      if (s !== 'open' && s !== 'claimed')
        throw new InvalidTransition(s, event, 'only queued reviews can be reassigned');
      requireReason(input);
      if (!input.to) {
        throw new Unprocessable('ASSIGNEE_REQUIRED', 'reassign needs an assignee', [
          { field: '/body/to', reason: 'is required' },
        ]);
      }
      const idle = input.claimIdleMs ?? 30 * 60_000;
      return { status: 'claimed', assignee: input.to, claimExpiresAt: now + idle };
    }

    case 'decide':
      requireRole(input, PEOPLE);
      // Someone else's live claim is theirs to finish; a lead may step in.
      if (claimedByOther(state, actor, now) && actor.role !== 'lead') {
        throw new InvalidTransition(s, event, `${state.assignee!.email} holds the claim`);
      }
      return { status: 'decided', assignee: null, claimExpiresAt: null };

    case 'reopen':
      requireRole(input, PEOPLE);
      if (s !== 'decided') throw new InvalidTransition(s, event, 'only decided reviews can be reopened');
      requireReason(input);
      return { status: 'open', assignee: null, claimExpiresAt: null };
  }
}
