// A combined abort signal that the garbage collector can take: Node 20 keeps every `AbortSignal.any` signal that has
// an abort listener in a process-wide set until that listener is removed, and langchain combines signals on every
// model and tool call while the openai SDK leaves its listener on them — about 6 KB left behind per question
// (`npm run bench -- model`; nodejs/node#54614, #55328). This one is a plain controller wired to its sources.

/** `AbortSignal.any` with the same meaning (aborted by the first source, with its reason), and no global reference. */
export function combinedSignal(signals: Iterable<AbortSignal>): AbortSignal {
  const controller = new AbortController();
  const sources = [...signals];
  const already = sources.find((s) => s.aborted);
  if (already) {
    controller.abort(already.reason);
    return controller.signal;
  }
  // Each listener goes when the combined signal aborts (its `signal` option), and with its source otherwise.
  for (const source of sources) source.addEventListener('abort', () => controller.abort(source.reason), { once: true, signal: controller.signal });
  return controller.signal;
}

/** Use `combinedSignal` for `AbortSignal.any` in this process (done once the model adapter is made). */
export function collectableAbortSignalAny(): void {
  if (AbortSignal.any === combinedSignal) return;
  Object.defineProperty(AbortSignal, 'any', { value: combinedSignal, configurable: true, writable: true });
}
