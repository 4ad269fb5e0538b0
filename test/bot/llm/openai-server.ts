// A local server speaking the OpenAI chat-completions protocol, for tests: each request is answered by a script
// (plain text, tool calls, a delay, an error status), and every request is kept to be inspected.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One chat-completions request as the server saw it. */
export interface CompletionRequest {
  model: string;
  messages: { role: string; content: string | { type: string; text?: string }[] | null; tool_calls?: { function: { name: string; arguments: string } }[] }[];
  tools?: { function: { name: string } }[];
}

/** How the server answers one request: text, tool calls, an HTTP error, after an optional delay. */
export type Scripted =
  | { text: string; delayMs?: number; tokens?: number }
  | { toolCalls: { name: string; args?: Record<string, unknown> }[]; delayMs?: number }
  | { status: number; delayMs?: number };

/** A running fake provider; `script` decides each answer from the request. */
export interface FakeOpenAI {
  baseURL: string;
  requests: CompletionRequest[];
  close(): Promise<void>;
}

/** A message's text, whether sent as a string or as content parts. */
export function textOf(content: CompletionRequest['messages'][number]['content']): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text ?? '').join('');
}

/** The tool results the model has been sent in this request (the agent's second round). */
export function toolResultsIn(req: CompletionRequest): string[] {
  return req.messages.filter((m) => m.role === 'tool').map((m) => textOf(m.content));
}

/** Start a fake OpenAI-compatible server on a free local port. */
export async function startFakeOpenAI(script: (req: CompletionRequest) => Scripted): Promise<FakeOpenAI> {
  const requests: CompletionRequest[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as CompletionRequest;
      requests.push(parsed);
      const answer = script(parsed);
      const send = () => {
        if (res.destroyed) return;
        if ('status' in answer) {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'scripted failure', type: 'server_error' } }));
          return;
        }
        n++;
        const message =
          'text' in answer
            ? { role: 'assistant', content: answer.text }
            : {
                role: 'assistant',
                content: null,
                tool_calls: answer.toolCalls.map((t, i) => ({ id: `call_${n}_${i}`, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.args ?? {}) } })),
              };
        const tokens = 'tokens' in answer && answer.tokens !== undefined ? answer.tokens : 100;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${n}`,
            object: 'chat.completion',
            created: 1_700_000_000 + n,
            model: parsed.model,
            choices: [{ index: 0, message, finish_reason: 'text' in answer ? 'stop' : 'tool_calls' }],
            usage: { prompt_tokens: tokens - 20, completion_tokens: 20, total_tokens: tokens },
          }),
        );
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
