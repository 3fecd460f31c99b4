import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAuthClient } from '@tessera/client';
import { AuthProvider } from '@tessera/react';
import { Provider as GraphqlProvider } from 'urql';
import { App } from './App.js';
import { createGraphqlClient } from './urql-client.js';

// Browser mode on this page's own origin: the access token in memory, the refresh token in an httpOnly cookie.
const auth = createAuthClient({ baseUrl: '' });
const graphql = createGraphqlClient(auth);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider client={auth}>
      <GraphqlProvider value={graphql}>
        <App />
      </GraphqlProvider>
    </AuthProvider>
  </StrictMode>,
);
