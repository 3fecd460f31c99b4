import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAuthClient } from '@tessera/client';
import { AuthProvider } from '@tessera/react';
import { App } from './App.js';
import { apiBaseUrl, numberUrl } from './config.js';
import './styles.css';

const baseUrl = apiBaseUrl();
// Browser mode: the access token stays in memory, the refresh token in an httpOnly cookie, tabs stay in step.
// The token goes to the auth server and to the service the Get number page calls, nowhere else.
const client = createAuthClient({ baseUrl, mode: 'browser', apiOrigins: [new URL(baseUrl).origin, new URL(numberUrl()).origin] });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider client={client}>
      <App />
    </AuthProvider>
  </StrictMode>,
);
