/** A thrown value at its most hostile: a Proxy, of an object or a function, whose every trap throws. */
const TRAPS = [
  'get',
  'has',
  'getOwnPropertyDescriptor',
  'getPrototypeOf',
  'ownKeys',
  'apply',
  'construct',
  'set',
  'defineProperty',
  'deleteProperty',
  'isExtensible',
  'preventExtensions',
  'setPrototypeOf',
] as const;

export function hostileProxy(target: 'object' | 'function'): object {
  const handler: ProxyHandler<object> = {};
  for (const trap of TRAPS) {
    (handler as Record<string, () => never>)[trap] = () => {
      throw new Error(`trap ${trap}`);
    };
  }
  return new Proxy(target === 'function' ? () => {} : {}, handler);
}
