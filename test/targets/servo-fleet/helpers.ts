import { appName } from '../../../src/targets/servo-fleet/app-name.js';

export interface Step {
  event: string;
  progress?: number;
}

export const hello: Step = { event: 'HELLO' };
export const whatsNext: Step = { event: 'WHATS_NEXT' };
export const description: Step = { event: 'DESCRIPTION' };
export const goodbye: Step = { event: 'GOODBYE' };
export const measurement = (progress?: number): Step => (progress === undefined ? { event: 'MEASUREMENT' } : { event: 'MEASUREMENT', progress });
export const adjustment = (progress?: number): Step => (progress === undefined ? { event: 'ADJUSTMENT' } : { event: 'ADJUSTMENT', progress });

/** Events that bring a fresh app to each state. */
export const REACH: Record<string, Step[]> = {
  initial: [],
  'hello-received': [hello],
  'start-measure': [hello, description],
  'in-measure': [hello, description, measurement(10)],
  'start-adjust': [hello, description, measurement(10), measurement()],
  'in-adjust': [hello, description, measurement(10), measurement(), adjustment(10)],
  terminated: [hello, goodbye],
};

/** One event each state accepts, to prove after a rejection that the state did not move. */
export const ACCEPTED_NEXT: Record<string, Step> = {
  initial: hello,
  'hello-received': description,
  'start-measure': measurement(10),
  'in-measure': measurement(),
  'start-adjust': adjustment(10),
  'in-adjust': adjustment(),
  terminated: hello,
};

export function bodyOf(step: Step): string {
  return JSON.stringify(step.progress === undefined ? { event: step.event, param: {} } : { event: step.event, param: { progress: step.progress } });
}

export const label = (step: Step): string => (step.progress === undefined ? step.event : `${step.event}(${step.progress})`);

export interface Reply {
  status: number;
  body: any;
}

export class Client {
  constructor(
    readonly url: string,
    readonly account = 'acme',
  ) {}

  async post(app: number | string, body: string): Promise<Reply> {
    const name = typeof app === 'number' ? appName(app) : app;
    const res = await fetch(`${this.url}/accounts/${this.account}/applications/${name}/servo`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed };
  }

  send(app: number | string, step: Step): Promise<Reply> {
    return this.post(app, bodyOf(step));
  }

  /** Sends every step and fails on the first that is not 200. */
  async walk(app: number | string, steps: Step[]): Promise<void> {
    for (const step of steps) {
      const reply = await this.send(app, step);
      if (reply.status !== 200)
        throw new Error(`${typeof app === 'number' ? appName(app) : app} ${label(step)} → ${reply.status} ${JSON.stringify(reply.body)}`);
    }
  }

  async get(path: string): Promise<{ status: number; type: string | null; text: string }> {
    const res = await fetch(`${this.url}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }
}
