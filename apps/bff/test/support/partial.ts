// Typed partial fakes: a stand-in that implements only what a test needs. Any other member,
// when called, throws an error naming it, so a test never passes by touching a fake by accident.
//
//   const reviews = partial<ReviewStore>('reviews', { listTenants: async () => TENANTS });

const UNFAKED = new Set(['then', 'getter', 'setter']);

export function partial<T extends object>(name: string, given: Partial<T> = {}): T {
  const fake = new Proxy(given, {
    get(target, key, receiver) {
      // `then` stays undefined so a fake is never mistaken for a promise, and `getter`/`setter` so
      // app.decorate() does not mistake it for an accessor.
      if (typeof key === 'symbol' || UNFAKED.has(key) || key in target) return Reflect.get(target, key, receiver);
      return () => {
        throw new Error(`${name}.${key} is not part of this test's fake`);
      };
    },
  });
  // Every member T declares answers: the given ones as given, the rest by throwing when called.
  return fake as T;
}
