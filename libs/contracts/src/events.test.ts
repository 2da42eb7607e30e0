// The PAN guard: every Luhn-valid 12–19 digit number is refused however it is spaced, and the
// token shapes merchants really send are not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { looksLikePan } from './events.ts';

/** Appends the Luhn check digit to a digit string. */
function withCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

describe('looksLikePan', () => {
  it('refuses Luhn-valid card numbers of 12 to 19 digits, spaced or not', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{11,18}$/), fc.constantFrom('', ' ', '-'), (body, separator) => {
        const pan = withCheckDigit(body);
        const spaced = pan.replace(/(\d{4})(?=\d)/g, `$1${separator}`);
        return looksLikePan(pan) && looksLikePan(spaced);
      }),
    );
    assert.equal(looksLikePan('4111 1111 1111 1111'), true);
    assert.equal(looksLikePan('5555-5555-5555-4444'), true);
  });

  it('accepts tokens, short numbers and Luhn-invalid numbers', () => {
    for (const value of [
      'tok_1MqLx2',
      'pm_card_visa',
      '4111 1111 1111 1112',
      '12345',
      'card-0001',
      '41111111111111111111',
    ]) {
      assert.equal(looksLikePan(value), false, value);
    }
    fc.assert(fc.property(fc.stringMatching(/^tok_[A-Za-z0-9]{4,24}$/), (token) => !looksLikePan(token)));
  });
});
