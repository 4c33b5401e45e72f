import { randomUUID } from 'node:crypto';
import { Tracker } from '../platform/tracker.js';
import type { AsyncInvokeConfig } from './syaml.js';

export interface AttemptOutcome {
  ok: boolean;
  /** `UnhandledInvocationError` etc. when the function failed. */
  errorType?: string;
  /** The function's response, or its error document. */
  body: Buffer;
}

/** What the async queue needs from Function Compute. */
export interface AsyncHost {
  config(functionName: string): { arn: string; asyncInvokeConfig: AsyncInvokeConfig };
  attempt(functionName: string, payload: Buffer, requestId: string, attempt: number, source: string): Promise<AttemptOutcome>;
  /** Sends a destination record; rejects when the destination cannot take it. */
  sendToDestination(arn: string, record: DestinationRecord): Promise<void>;
}

/**
 * The record sent to an onSuccess/onFailure destination. FC documents only its opening
 * (`{"timestamp": …, "requestContext": {…`, FC docs, "Result callback"); the rest follows the shape FC's result-callback
 * docs sketch: payloads are the UTF-8 text of the event and of the response (or error document).
 */
export interface DestinationRecord {
  /** Epoch milliseconds when the record was sent. */
  timestamp: number;
  requestContext: {
    requestId: string;
    functionArn: string;
    /** '' on success; the last error type on failure; `EventAgeExceeded` when the event grew too old to retry. */
    condition: string;
    approximateInvokeCount: number;
  };
  requestPayload: string;
  responseContext: { statusCode: number; functionError: string };
  responsePayload: string;
}

export interface DestinationDelivery {
  requestId: string;
  functionName: string;
  kind: 'onSuccess' | 'onFailure';
  destination: string;
  ok: boolean;
  error?: string;
}

/**
 * FC's asynchronous invocation queue: accepted at once (202), run in the background, retried on function errors
 * up to maxAsyncRetryAttempts (default 3) with doubling waits, dropped past maxAsyncEventAgeInSeconds, and the
 * outcome sent to the configured destination.
 */
export class AsyncInvoker {
  readonly destinations: DestinationDelivery[] = [];
  private readonly tracker = new Tracker();
  private readonly taskIds = new Set<string>();

  constructor(
    private readonly host: AsyncHost,
    private readonly secondMs: number,
    private readonly now: () => number,
  ) {}

  /** Queues an invocation and returns its requestId; false when the async task id was used before. */
  enqueue(functionName: string, payload: Buffer, source: string, taskId?: string): string | false {
    if (taskId !== undefined) {
      if (this.taskIds.has(`${functionName}/${taskId}`)) return false;
      this.taskIds.add(`${functionName}/${taskId}`);
    }
    const requestId = randomUUID();
    const enqueuedAt = this.now();
    this.tracker.run(() => this.process(functionName, payload, source, requestId, enqueuedAt));
    return requestId;
  }

  idle(): Promise<void> {
    return this.tracker.idle();
  }

  get pending(): number {
    return this.tracker.pending;
  }

  close(): void {
    this.tracker.close();
  }

  private async process(functionName: string, payload: Buffer, source: string, requestId: string, enqueuedAt: number): Promise<void> {
    const { asyncInvokeConfig: cfg } = this.host.config(functionName);
    const retries = cfg.maxAsyncRetryAttempts ?? 3;
    const maxAgeMs = (cfg.maxAsyncEventAgeInSeconds ?? 18000) * this.secondMs;
    let outcome: AttemptOutcome | undefined;
    let attempt = 0;
    let condition = '';
    while (attempt <= retries && !this.tracker.closed) {
      if (this.now() - enqueuedAt > maxAgeMs) {
        condition = 'EventAgeExceeded';
        break;
      }
      attempt++;
      outcome = await this.host.attempt(functionName, payload, requestId, attempt, source);
      if (outcome.ok) break;
      condition = outcome.errorType ?? 'UnhandledInvocationError';
      if (attempt <= retries) await this.tracker.sleep(2 ** (attempt - 1) * this.secondMs);
    }
    if (this.tracker.closed) return;
    const ok = outcome?.ok === true;
    const record: DestinationRecord = {
      timestamp: this.now(),
      requestContext: { requestId, functionArn: this.host.config(functionName).arn, condition: ok ? '' : condition, approximateInvokeCount: attempt },
      requestPayload: payload.toString('utf8'),
      responseContext: { statusCode: 200, functionError: ok ? '' : (outcome?.errorType ?? '') },
      responsePayload: outcome?.body.toString('utf8') ?? '',
    };
    const kind = ok ? 'onSuccess' : 'onFailure';
    const destination = cfg.destinationConfig?.[kind]?.destination;
    if (!destination) return;
    try {
      await this.host.sendToDestination(destination, record);
      this.destinations.push({ requestId, functionName, kind, destination, ok: true });
    } catch (err) {
      this.destinations.push({ requestId, functionName, kind, destination, ok: false, error: (err as Error).message });
    }
  }
}
