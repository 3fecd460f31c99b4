import { Window } from 'happy-dom';

/**
 * A happy-dom document for React, registered by hand instead of with `@vitest-environment happy-dom`: that
 * environment also replaces the global fetch, Request, Response and Headers, which breaks the real Tessera server
 * these tests start in the same process (Hono's Node adapter builds its requests from the global Request).
 * Here only the DOM is global; fetch stays Node's. Import this module before @testing-library/react.
 */
export const domWindow = new Window({ url: 'http://localhost/' });

Object.assign(globalThis, { window: domWindow, document: domWindow.document, IS_REACT_ACT_ENVIRONMENT: true });
Object.defineProperty(globalThis, 'navigator', { value: domWindow.navigator, configurable: true });

export async function closeDom(): Promise<void> {
  await domWindow.happyDOM.close();
}
