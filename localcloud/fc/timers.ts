import { CronError, parseSchedule, type Schedule } from './cron.js';

export interface TimerTrigger {
  functionName: string;
  triggerName: string;
  cronExpression: string;
  payload: string;
  enable: boolean;
}

/** The timer event FC passes (FC 3.0 "Formats of events for different triggers"): payload stays the configured string. */
export interface TimerEvent {
  triggerTime: string;
  triggerName: string;
  payload: string;
}

type Fire = (functionName: string, event: TimerEvent) => string;

interface Armed {
  trigger: TimerTrigger;
  schedule: Schedule;
  nextAt: number;
  timer?: NodeJS.Timeout;
}

const key = (fn: string, trigger: string) => `${fn}/${trigger}`;
const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Timer triggers on a virtual clock (tests call `advance`) or on the real one (the CLI). `fire` runs one at once.
 * Each firing is an asynchronous invocation, as FC's timer triggers are.
 */
export class TimerService {
  private readonly armed = new Map<string, Armed>();
  private virtualNow: number;
  private closed = false;

  constructor(
    private readonly mode: 'virtual' | 'real',
    start: number,
    private readonly fireFn: Fire,
  ) {
    this.virtualNow = start;
  }

  now(): number {
    return this.mode === 'virtual' ? this.virtualNow : Date.now();
  }

  /** Validates and arms a timer trigger; throws CronError for a bad expression. */
  add(trigger: TimerTrigger): void {
    const schedule = parseSchedule(trigger.cronExpression, this.now());
    this.remove(trigger.functionName, trigger.triggerName);
    const a: Armed = { trigger, schedule, nextAt: schedule.next(this.now()) };
    this.armed.set(key(trigger.functionName, trigger.triggerName), a);
    this.arm(a);
  }

  remove(functionName: string, triggerName: string): void {
    const a = this.armed.get(key(functionName, triggerName));
    clearTimeout(a?.timer);
    this.armed.delete(key(functionName, triggerName));
  }

  list(): TimerTrigger[] {
    return [...this.armed.values()].map((a) => a.trigger);
  }

  /** When the trigger fires next (epoch ms on this service's clock). */
  nextFiring(functionName: string, triggerName: string): number | undefined {
    return this.armed.get(key(functionName, triggerName))?.nextAt;
  }

  /** Fires a timer trigger now, enabled or not, as the console's "trigger" button does. Returns the requestId. */
  fire(functionName: string, triggerName: string): string {
    const a = this.armed.get(key(functionName, triggerName));
    if (!a) throw new CronError(`No timer trigger ${triggerName} on function ${functionName}.`);
    return this.fireFn(functionName, { triggerTime: iso(this.now()), triggerName, payload: a.trigger.payload });
  }

  /** Moves the virtual clock forward, firing every enabled timer that comes due, in time order. Returns the requestIds. */
  advance(ms: number): string[] {
    if (this.mode !== 'virtual') throw new CronError('advance() needs the virtual clock (platform.clock: "virtual").');
    const end = this.virtualNow + ms;
    const fired: string[] = [];
    for (;;) {
      const due = [...this.armed.values()].filter((a) => a.nextAt <= end).sort((x, y) => x.nextAt - y.nextAt)[0];
      if (!due) break;
      this.virtualNow = Math.max(this.virtualNow, due.nextAt);
      if (due.trigger.enable) fired.push(this.fireFn(due.trigger.functionName, this.eventFor(due)));
      due.nextAt = due.schedule.next(due.nextAt);
    }
    this.virtualNow = end;
    return fired;
  }

  close(): void {
    this.closed = true;
    for (const a of this.armed.values()) clearTimeout(a.timer);
  }

  private eventFor(a: Armed): TimerEvent {
    return { triggerTime: iso(a.nextAt), triggerName: a.trigger.triggerName, payload: a.trigger.payload };
  }

  private arm(a: Armed): void {
    if (this.mode !== 'real' || this.closed) return;
    const wait = Math.min(Math.max(0, a.nextAt - Date.now()), 2 ** 31 - 1);
    a.timer = setTimeout(() => {
      if (a.nextAt <= Date.now() && a.trigger.enable) this.fireFn(a.trigger.functionName, this.eventFor(a));
      if (a.nextAt <= Date.now()) a.nextAt = a.schedule.next(Date.now());
      this.arm(a);
    }, wait);
    a.timer.unref();
  }
}
