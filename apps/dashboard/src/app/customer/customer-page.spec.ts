import { counterName } from './customer-page';

describe('counterName', () => {
  it('turns camelCase counter keys into words, keeping acronyms', () => {
    expect(counterName('orderValueGBP')).toBe('Order value GBP');
    expect(counterName('paymentMethods')).toBe('Payment methods');
    expect(counterName('orders')).toBe('Orders');
    expect(counterName('IPAddresses')).toBe('IP addresses');
  });
});
