/** One server-sent event of the dashboard's /stream. */
export interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * Reads a dashboard's /stream until the server ends it, calling `onEvent` as each event arrives (so a
 * test acts when the page would see something, not after a sleep); resolves with them all.
 */
export async function readDashboardStream(baseUrl: string, onEvent: (event: StreamEvent) => unknown = () => {}): Promise<StreamEvent[]> {
  const response = await fetch(new URL('/stream', baseUrl));
  const decoder = new TextDecoder();
  const events: StreamEvent[] = [];
  let text = '';
  for await (const chunk of response.body!) {
    text += decoder.decode(chunk, { stream: true });
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
      const [eventLine, dataLine] = text.slice(0, end).split('\n');
      text = text.slice(end + 2);
      if (dataLine === undefined) continue; // `retry: ms`, for the browser
      const event = { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) as Record<string, unknown> };
      events.push(event);
      await onEvent(event);
    }
  }
  return events;
}

/** A POST /control as the page sends it. */
export async function sendControl(baseUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: { error?: string } }> {
  const response = await fetch(new URL('/control', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error?: string } };
}
