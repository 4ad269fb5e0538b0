// The combined abort signal the model path uses in place of Node 20's AbortSignal.any: the same meaning, and once it
// is over nothing keeps it (nor what listens to it) alive.
import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { combinedSignal } from '../../../bot/llm/abort-signals';

describe('combinedSignal', () => {
  it('aborts with the reason of the first source to abort, and only then', () => {
    const a = new AbortController();
    const b = new AbortController();
    const signal = combinedSignal([a.signal, b.signal]);
    const heard: unknown[] = [];
    signal.addEventListener('abort', () => heard.push(signal.reason));
    expect(signal.aborted).toBe(false);
    b.abort('too slow');
    a.abort('later');
    expect(signal.aborted).toBe(true);
    expect(heard).toEqual(['too slow']);
  });

  it('is aborted at once when a source already is', () => {
    const a = new AbortController();
    a.abort('done');
    const signal = combinedSignal([new AbortController().signal, a.signal]);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('done');
  });

  it('leaves nothing behind that a listener on it keeps, once its sources are gone', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const kept = (combine: (signals: AbortSignal[]) => AbortSignal) => {
      const refs: WeakRef<object>[] = [];
      for (let i = 0; i < 50; i++) {
        const request = new AbortController();
        // As the openai SDK does with the signal it is given: a listener that is never removed.
        combine([new AbortController().signal, new AbortController().signal]).addEventListener('abort', () => request.abort(), { once: true });
        refs.push(new WeakRef(request));
      }
      return refs;
    };
    const ours = kept(combinedSignal);
    for (let round = 0; round < 2; round++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
    }
    expect(ours.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  });
});
