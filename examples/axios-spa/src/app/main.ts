import { AuthError, type AuthState, type AuthStatus, type AuthUser, type LogoutDetail } from '@tessera/client';
import { isAxiosError } from 'axios';
import { api, auth } from './api.js';

const loading = element<HTMLElement>('#loading');
const signIn = element<HTMLFormElement>('#sign-in');
const signInError = element<HTMLElement>('#sign-in-error');
const account = element<HTMLElement>('#account');
const meEmail = element<HTMLElement>('[data-testid="me-email"]');
const results = element<HTMLOListElement>('[data-testid="results"]');

let shown: AuthStatus | null = null;

/** One view per status; entering the signed-in view asks the API who we are, through axios. */
function render({ status }: AuthState): void {
  if (status === shown) return;
  shown = status;
  loading.hidden = status !== 'unknown';
  signIn.hidden = status !== 'unauthenticated';
  account.hidden = status !== 'authenticated';
  if (status === 'authenticated') {
    meEmail.textContent = '';
    void loadMe();
  }
}

async function loadMe(): Promise<void> {
  try {
    const { data } = await api.get<{ user: AuthUser }>('/auth/me');
    meEmail.textContent = data.user.email;
  } catch (error) {
    report('me', error);
  }
}

async function getNumber(): Promise<void> {
  try {
    const { data } = await api.get<{ number: number }>('/api/number');
    results.append(item('number', `number ${data.number}`));
  } catch (error) {
    report('number', error);
  }
}

/** The call as it failed: a refused refresh is one AuthError (`invalid_grant`: the session is over). */
function report(call: string, error: unknown): void {
  let reason: string;
  if (error instanceof AuthError) reason = error.code;
  else if (isAxiosError<{ error?: string }>(error)) reason = error.response ? `${error.response.status} ${error.response.data?.error ?? ''}`.trim() : (error.code ?? 'no answer');
  else reason = String(error);
  results.append(item('error', `${call} refused: ${reason}`));
}

function item(outcome: 'number' | 'error', text: string): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.outcome = outcome;
  li.textContent = text;
  return li;
}

function showSignInError(message: string | null): void {
  signInError.hidden = message === null;
  signInError.textContent = message;
}

signIn.addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(signIn);
  const credentials = { email: String(form.get('email')), password: String(form.get('password')) };
  showSignInError(null);
  const signingIn = event.submitter?.id === 'signup' ? auth.signup(credentials) : auth.login(credentials);
  signingIn.then(
    () => {
      // The password leaves the page with the form; the last account's results go too.
      signIn.reset();
      results.replaceChildren();
    },
    (error: unknown) => showSignInError(error instanceof AuthError ? error.message : 'Something went wrong.'),
  );
});

element<HTMLButtonElement>('#one').addEventListener('click', () => void getNumber());
// Five requests leave together; when the access token has expired, all five get a 401 token_expired at once.
element<HTMLButtonElement>('#five').addEventListener('click', () => {
  for (let i = 0; i < 5; i++) void getNumber();
});
element<HTMLButtonElement>('#logout').addEventListener('click', () => {
  auth.logout().catch((error: unknown) => report('logout', error));
});

auth.on('logout', (detail) => {
  const { reason } = detail as LogoutDetail;
  if (reason === 'session_ended') showSignInError('Your session has ended. Please log in again.');
  else if (reason === 'other_tab') showSignInError('You logged out in another tab.');
});
auth.subscribe(render);
render(auth.getState());
// After a reload the access token is gone (memory only): the httpOnly refresh cookie brings the session back.
auth.restore().catch((error: unknown) => {
  loading.textContent = `The server cannot be reached (${error instanceof AuthError ? error.code : String(error)}).`;
});

function element<T extends Element>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (found === null) throw new Error(`index.html has no ${selector}`);
  return found;
}
