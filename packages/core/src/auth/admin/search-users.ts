import { TesseraError } from '../../errors.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { authorizeAdmin, type AdminActor } from './actor.js';
import { toAdminUser, type AdminUserView } from './target.js';

export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 100;
/** Deep offsets cost the database a scan each; narrow the search instead. */
export const SEARCH_MAX_OFFSET = 10_000;
const QUERY_MAX_LENGTH = 254;

export interface SearchUsersInput {
  /** Text the email must contain (a prefix is the same thing); empty or absent lists everyone. */
  query?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface UserPage {
  users: AdminUserView[];
  /** The offset of the next page, or null when this is the last one. */
  nextOffset: number | null;
}

/** Users whose email contains `query`, newest first, one page at a time. */
export async function searchUsers(ctx: AuthContext, actor: AdminActor, input: SearchUsersInput, client: ClientInfo = {}): Promise<UserPage> {
  await authorizeAdmin(ctx, actor, client);
  const limit = wholeNumber(input.limit ?? SEARCH_DEFAULT_LIMIT, 'limit', 1, SEARCH_MAX_LIMIT);
  const offset = wholeNumber(input.offset ?? 0, 'offset', 0, SEARCH_MAX_OFFSET);
  const query = (input.query ?? '').trim();
  if (query.length > QUERY_MAX_LENGTH) throw new TesseraError('invalid_request', `The search text is longer than ${QUERY_MAX_LENGTH} characters.`);
  // Stored emails are in normal form (NFKC, lower case): fold the text the same way so `ANN` finds ann@….
  const emailContains = query.normalize('NFKC').toLowerCase().normalize('NFKC');
  // One more than asked tells whether another page exists without a count query.
  const found = await ctx.stores.users.listUsers({ limit: limit + 1, offset, ...(emailContains === '' ? {} : { emailContains }) });
  return {
    users: found.slice(0, limit).map(toAdminUser),
    nextOffset: found.length > limit ? offset + limit : null,
  };
}

function wholeNumber(value: number, name: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TesseraError('invalid_request', `"${name}" must be a whole number from ${min} to ${max}.`);
  }
  return value;
}
