import { MAX_ROLES } from '@tessera/core';

/** The admin API's bodies. Disable, enable and logout take none: an empty body or `{}`, anything else is a 400. */
export const noFields = {} as const;
/** The item limit stops a huge array before the core checks each name (the core also caps the count). */
export const rolesFields = { roles: { type: 'string[]', required: true, maxLength: MAX_ROLES * 4 } } as const;
/** The search's query parameters: `q` (text the email contains), `limit`, `offset`. */
export const SEARCH_PARAMETERS: ReadonlySet<string> = new Set(['q', 'limit', 'offset']);
