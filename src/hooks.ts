/**
 * Calls an observer's hook (metrics, logs, debug): observers are best effort, and one that throws
 * must not break the call, feed or delivery it observes, so its error is dropped here.
 */
export function notify<E>(hook: ((event: E) => void) | undefined, event: E): void {
  try {
    hook?.(event);
  } catch {
    // ignored on purpose
  }
}
