// Every status × event × actor of the review state machine, against one written-out table: a new
// transition or a changed rule fails here until the table says so.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REVIEW_EVENTS, REVIEW_STATUSES, transition } from './review-state.ts';
import type { MachineState, ReviewEvent, ReviewStatus, ReviewerRole } from './review-state.ts';

const NOW = 1_000_000;
const holder = { sub: 's-holder', email: 'holder@example.com' };
const other = { sub: 's-other', email: 'other@example.com' };
const lead = { sub: 's-lead', email: 'lead@example.com' };
const system = { sub: 'system', email: 'system' };

type Who = 'system' | 'holder' | 'other' | 'lead';
const ACTORS: Record<Who, { sub: string; email: string; role: ReviewerRole }> = {
  system: { ...system, role: 'system' },
  holder: { ...holder, role: 'analyst' },
  other: { ...other, role: 'analyst' },
  lead: { ...lead, role: 'lead' },
};

function stateOf(status: ReviewStatus, claimLive = true): MachineState {
  if (status !== 'claimed') return { status, assignee: null, claimExpiresAt: null };
  return { status, assignee: holder, claimExpiresAt: claimLive ? NOW + 1 : NOW - 1 };
}

// Outcome: the status after the event, or the error code. 'claimed:X' names the new assignee.
const T: Record<ReviewStatus, Record<ReviewEvent, Record<Who, string>>> = {
  none: {
    enqueue: { system: 'open', holder: 'open', other: 'open', lead: 'open' },
    claim: {
      system: 'REVIEW_ROLE',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
    release: {
      system: 'REVIEW_ROLE',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
    reassign: { system: 'REVIEW_ROLE', holder: 'REVIEW_ROLE', other: 'REVIEW_ROLE', lead: 'INVALID_TRANSITION' },
    decide: { system: 'REVIEW_ROLE', holder: 'decided', other: 'decided', lead: 'decided' },
    reopen: {
      system: 'REVIEW_ROLE',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
  },
  open: {
    enqueue: {
      system: 'INVALID_TRANSITION',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
    claim: { system: 'REVIEW_ROLE', holder: 'claimed:holder', other: 'claimed:other', lead: 'claimed:lead' },
    release: {
      system: 'REVIEW_ROLE',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
    reassign: { system: 'REVIEW_ROLE', holder: 'REVIEW_ROLE', other: 'REVIEW_ROLE', lead: 'claimed:other' },
    decide: { system: 'REVIEW_ROLE', holder: 'decided', other: 'decided', lead: 'decided' },
    reopen: {
      system: 'REVIEW_ROLE',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
  },
  claimed: {
    enqueue: {
      system: 'INVALID_TRANSITION',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
    claim: { system: 'REVIEW_ROLE', holder: 'claimed:holder', other: 'INVALID_TRANSITION', lead: 'INVALID_TRANSITION' },
    release: { system: 'REVIEW_ROLE', holder: 'open', other: 'NOT_YOUR_CLAIM', lead: 'open' },
    reassign: { system: 'REVIEW_ROLE', holder: 'REVIEW_ROLE', other: 'REVIEW_ROLE', lead: 'claimed:other' },
    decide: { system: 'REVIEW_ROLE', holder: 'decided', other: 'INVALID_TRANSITION', lead: 'decided' },
    reopen: {
      system: 'REVIEW_ROLE',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
  },
  decided: {
    enqueue: {
      system: 'INVALID_TRANSITION',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
    claim: {
      system: 'REVIEW_ROLE',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
    release: {
      system: 'REVIEW_ROLE',
      holder: 'INVALID_TRANSITION',
      other: 'INVALID_TRANSITION',
      lead: 'INVALID_TRANSITION',
    },
    reassign: { system: 'REVIEW_ROLE', holder: 'REVIEW_ROLE', other: 'REVIEW_ROLE', lead: 'INVALID_TRANSITION' },
    decide: { system: 'REVIEW_ROLE', holder: 'decided', other: 'decided', lead: 'decided' },
    reopen: { system: 'REVIEW_ROLE', holder: 'open', other: 'open', lead: 'open' },
  },
};

// With the holder's claim expired, the claim is anyone's: these cells differ from the table above.
const EXPIRED: Partial<Record<ReviewEvent, Partial<Record<Who, string>>>> = {
  claim: { other: 'claimed:other', lead: 'claimed:lead' },
  release: { other: 'open' },
  decide: { other: 'decided' },
};

function outcome(state: MachineState, event: ReviewEvent, who: Who): string {
  try {
    const next = transition(state, {
      event,
      actor: ACTORS[who],
      now: NOW,
      reason: 'because',
      to: other,
      claimIdleMs: 60_000,
    });
    if (next.status === 'claimed') {
      assert.equal(next.claimExpiresAt, NOW + 60_000);
      const name = (Object.keys(ACTORS) as Who[]).find((w) => ACTORS[w].sub === next.assignee?.sub);
      return `claimed:${name}`;
    }
    assert.equal(next.assignee, null);
    return next.status;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('review state machine', () => {
  for (const status of REVIEW_STATUSES) {
    for (const event of REVIEW_EVENTS) {
      it(`${status} + ${event}`, () => {
        for (const who of Object.keys(ACTORS) as Who[]) {
          assert.equal(outcome(stateOf(status), event, who), T[status][event][who], `${who} ${event} on ${status}`);
        }
      });
    }
  }

  for (const event of REVIEW_EVENTS) {
    it(`claimed (expired) + ${event}`, () => {
      for (const who of Object.keys(ACTORS) as Who[]) {
        const expected = EXPIRED[event]?.[who] ?? T.claimed[event][who];
        assert.equal(outcome(stateOf('claimed', false), event, who), expected, `${who} ${event} on an expired claim`);
      }
    });
  }

  it('reopen and reassign need a reason in words; reassign needs an assignee', () => {
    const decided = stateOf('decided');
    for (const reason of [undefined, '', '   ']) {
      assert.throws(
        () =>
          transition(decided, {
            event: 'reopen',
            actor: ACTORS.holder,
            now: NOW,
            ...(reason !== undefined && { reason }),
          }),
        (e: { code: string; details: { field: string }[] }) =>
          e.code === 'REASON_REQUIRED' && e.details[0]!.field === '/body/reason',
      );
    }
    assert.throws(
      () => transition(stateOf('open'), { event: 'reassign', actor: ACTORS.lead, now: NOW, reason: 'holiday' }),
      (e: { code: string }) => e.code === 'ASSIGNEE_REQUIRED',
    );
  });
});
