import type { SqlStores } from '@tessera/store-sql';

/** Told about every store call: which store, which operation, how long it took and whether it rejected. */
export type StoreObserver = (store: string, operation: string, seconds: number, failed: boolean) => void;

const STORES = ['users', 'sessions', 'keys', 'twoFactor', 'passkeys'] as const;

/**
 * The stores with every method of `users`, `sessions`, `keys`, `twoFactor` and `passkeys` timed: the one place store latency and errors
 * are measured, whichever backend (SQL or Redis) answers. The operation label is the method's name, a closed set.
 */
export function observeStores(stores: SqlStores, observe: StoreObserver): SqlStores {
  const observed = { ...stores };
  // `passkeys` is optional in Stores: a store set without one stays without one.
  for (const name of STORES) if ((stores as Partial<SqlStores>)[name] !== undefined) observed[name] = timed(name, stores[name], observe) as never;
  return observed;
}

function timed<T extends object>(store: string, target: T, observe: StoreObserver): T {
  const wrapper: Record<string, unknown> = {};
  for (const operation of methodNames(target)) {
    const method = (target as Record<string, unknown>)[operation] as (...args: unknown[]) => unknown;
    wrapper[operation] = (...args: unknown[]): unknown => {
      const started = performance.now();
      const done = (failed: boolean) => observe(store, operation, (performance.now() - started) / 1000, failed);
      let result: unknown;
      try {
        result = method.apply(target, args);
      } catch (error) {
        done(true);
        throw error;
      }
      if (!(result instanceof Promise)) {
        done(false);
        return result;
      }
      return result.then(
        (value: unknown) => {
          done(false);
          return value;
        },
        (error: unknown) => {
          done(true);
          throw error;
        },
      );
    };
  }
  return wrapper as T;
}

/** Own and inherited method names (a store may be a plain object or a class instance), without Object's own. */
function methodNames(target: object): string[] {
  const names = new Set<string>();
  for (let proto: object | null = target; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof (target as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names];
}
