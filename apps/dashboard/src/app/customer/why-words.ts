import type { ScoreReason, ScoreWhy } from '@redoubt/contracts/api';
import { kindStyle } from './network-elements';

/** `shared_device_with_fraudster` / `sharedDevice` → `Shared device with fraudster` / `Shared device`. */
export function ruleWords(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => (w.length > 1 && w === w.toUpperCase() ? w : w.toLowerCase()));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`);

/** The reasons one score event came with, one sentence each. */
export function reasonLines(score: ScoreReason): string[] {
  const lines = score.rules.map(
    (r) => `Rule “${ruleWords(r.name)}” fired${r.score !== undefined ? ` (${signed(r.score)} to the score)` : ''}.`,
  );
  for (const w of score.warnings) lines.push(`Warning (${ruleWords(w.class).toLowerCase()}): ${w.msg}`);
  return lines;
}

/** 'Device' → 'device', 'IP address' stays: the kind's name inside a sentence. */
function kindName(kind: string): string {
  const name = kindStyle(kind).name;
  return /^[A-Z]{2}/.test(name) ? name : name.charAt(0).toLowerCase() + name.slice(1);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The network signals in words: FRAUDSTERs within two hops, the nearest one, the component's share. */
export function networkLines(network: ScoreWhy['network']): string[] {
  const lines: string[] = [];
  const floor = network.truncated ? 'at least ' : '';
  if (network.nearestFraudsterHops === 0) lines.push('This customer is labelled FRAUDSTER.');
  if (network.fraudstersWithinTwoHops > 0) {
    const named = network.nearby.map((f) => `${f.customerId} (${kindName(f.kind)} ${f.value})`);
    const more = network.fraudstersWithinTwoHops - named.length;
    lines.push(
      `${floor}${plural(network.fraudstersWithinTwoHops, 'customer')} labelled FRAUDSTER ${
        network.fraudstersWithinTwoHops === 1 ? 'shares' : 'share'
      } an identifier with this customer: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`,
    );
  } else if (network.customersWithinTwoHops > 0) {
    lines.push(
      `None of the ${floor}${plural(network.customersWithinTwoHops, 'customer')} sharing an identifier with this customer is labelled FRAUDSTER.`,
    );
  } else {
    lines.push('No other customer shares an identifier with this customer.');
  }
  if (network.nearestFraudsterHops !== null && network.nearestFraudsterHops > 2) {
    lines.push(`The nearest FRAUDSTER is ${network.nearestFraudsterHops} hops away: ${network.reason}.`);
  } else if (network.nearestFraudsterHops === null && network.componentCustomers > 1) {
    lines.push(`No FRAUDSTER is within reach in the graph.`);
  }
  if (network.componentCustomers > 1) {
    const share = Math.round(network.componentShare * 100);
    lines.push(
      share > 0
        ? `${share}% of the ${network.componentCustomers} customers in its network are FRAUDSTERs.`
        : `Its network of ${network.componentCustomers} customers holds no FRAUDSTER.`,
    );
  }
  return lines;
}
