import { createAuthClient } from '@tessera/client';
import { attachTessera } from '@tessera/client/axios';
import axios from 'axios';

/** Browser mode on this page's own origin: the access token in memory, the refresh token in an httpOnly cookie. */
export const auth = createAuthClient({ baseUrl: '' });

/** The axios instance the app calls its API with, created as any axios app creates it. */
export const api = axios.create({ baseURL: '/', timeout: 10_000 });

// Instead of hand-written request and response interceptors: Bearer on every request to this origin; a 401
// token_expired refreshes once for every request that got one, then replays each of them once.
attachTessera(api, auth);
