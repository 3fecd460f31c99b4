// The pages, as plain template strings. Everything that comes from a request or a store is escaped.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)} · Koa pages</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}label{display:block;margin:.5rem 0}.error{color:#b00020}</style></head>
<body>
<nav><a href="/">Home</a> · <a href="/account">Account</a></nav>
<h1>${escape(title)}</h1>
${body}
</body>
</html>`;
}

export function homePage(signedIn: boolean): string {
  return layout('Home', signedIn ? '<p>You are signed in. <a href="/account">Your account</a></p>' : '<p>You are not signed in. <a href="/login">Log in</a></p>');
}

export function loginPage(options: { next: string; email?: string; error?: string }): string {
  const error = options.error === undefined ? '' : `<p class="error" role="alert">${escape(options.error)}</p>`;
  return layout(
    'Log in',
    `${error}
<form method="post" action="/login">
  <input type="hidden" name="next" value="${escape(options.next)}">
  <label>Email <input name="email" type="email" autocomplete="username" value="${escape(options.email ?? '')}" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Log in</button>
</form>`,
  );
}

export function accountPage(options: { userId: string; sessionId: string; csrfToken: string; notes: readonly string[] }): string {
  const csrf = `<input type="hidden" name="_csrf" value="${escape(options.csrfToken)}">`;
  const notes = options.notes.map((note) => `<li>${escape(note)}</li>`).join('');
  return layout(
    'Account',
    `<p>Signed in as user <code id="user-id">${escape(options.userId)}</code> (session <code>${escape(options.sessionId)}</code>).</p>
<h2>Notes</h2>
<ul id="notes">${notes}</ul>
<form method="post" action="/notes">
  ${csrf}
  <label>New note <input name="text" maxlength="200" required></label>
  <button type="submit">Add note</button>
</form>
<form method="post" action="/logout">
  ${csrf}
  <button type="submit">Log out</button>
</form>`,
  );
}
