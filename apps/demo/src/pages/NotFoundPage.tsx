import { Link } from '../router.js';

export function NotFoundPage() {
  return (
    <section className="card narrow">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <p><Link to="/">Go to the start page</Link></p>
    </section>
  );
}
