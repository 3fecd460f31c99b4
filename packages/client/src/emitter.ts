type Listener<T> = (value: T) => void;

/**
 * A tiny listener set. A listener that throws does not stop the others or the client: its error is rethrown
 * on a fresh task, where the host's global error handler reports it.
 */
export class ListenerSet<T> {
  private readonly listeners = new Set<Listener<T>>();

  add(listener: Listener<T>): () => void {
    // Wrapped so the same function subscribed twice gets two independent subscriptions.
    const entry: Listener<T> = (value) => listener(value);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
