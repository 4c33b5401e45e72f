import { type ChildProcess, fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('./runner.cjs', import.meta.url));

export interface InvocationError {
  errorMessage: string;
  errorType: string;
  stackTrace: string[];
}

export type RunResult = { ok: true; body: Buffer; logs: string[] } | { ok: false; error: InvocationError; logs: string[] };

/** What an instance needs to start: the code and the environment FC would give it. */
export interface InstanceSpec {
  functionName: string;
  codeDir: string;
  handler: string;
  timeoutSeconds: number;
  /** Read when an instance starts: endpoints are known only once the server listens. */
  env: () => Record<string, string>;
}

interface Pending {
  resolve: (r: RunResult) => void;
  logs: string[];
  timer: NodeJS.Timeout;
}

let nextId = 0;

/** One FC instance: a child process running one invocation at a time, as FC's standard runtimes do. */
class Instance {
  readonly child: ChildProcess;
  current: Pending | undefined;
  /** Reserved by the pool from acquire until its invocation ends. */
  busy = false;
  dead = false;

  constructor(spec: InstanceSpec, log: (line: string) => void, onExit: (i: Instance) => void) {
    // A clean environment: only what s.yaml and localcloud declare, plus what node needs to start.
    const base = Object.fromEntries(['PATH', 'LANG', 'TZ', 'SYSTEMROOT'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
    this.child = fork(RUNNER, [], {
      env: { ...base, ...spec.env(), LOCALCLOUD_FC_CODE_DIR: spec.codeDir, LOCALCLOUD_FC_HANDLER: spec.handler },
      // FC runs a function from its code directory, so relative paths (policy.yaml) resolve there.
      cwd: spec.codeDir,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => log(`[${spec.functionName}] ${line}`));
    }
    this.child.on('message', (msg: { type: string; id: number; line?: string; ok?: boolean; body?: string; error?: InvocationError }) => {
      const p = this.current;
      if (!p) return;
      if (msg.type === 'log') {
        p.logs.push(msg.line!);
        log(`[${spec.functionName}] ${msg.line}`);
      } else if (msg.type === 'result') {
        this.finish(msg.ok ? { ok: true, body: Buffer.from(msg.body ?? '', 'base64'), logs: p.logs } : { ok: false, error: msg.error!, logs: p.logs });
      }
    });
    // A runtime that can't start (its code directory is missing: an app not built) fails the invocation, as FC's
    // does, rather than escaping as an unhandled error; a broken pipe to a live child is followed by its exit.
    this.child.on('error', (err) => {
      this.finish({ ok: false, error: { errorMessage: `The function's runtime failed: ${err.message}`, errorType: 'RuntimeError', stackTrace: [] }, logs: this.current?.logs ?? [] });
      if (this.child.pid === undefined && !this.dead) {
        this.dead = true;
        onExit(this);
      }
    });
    this.child.on('exit', (code, signal) => {
      this.dead = true;
      this.finish({
        ok: false,
        error: { errorMessage: `Process exited unexpectedly before completing request (code ${code}, signal ${signal}).`, errorType: 'ProcessExited', stackTrace: [] },
        logs: this.current?.logs ?? [],
      });
      onExit(this);
    });
  }

  run(event: Buffer, context: object, timeoutSeconds: number): Promise<RunResult> {
    return new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        // FC stops a timed-out instance; the next invocation gets a fresh one.
        this.finish({
          ok: false,
          error: { errorMessage: `Function timed out after ${timeoutSeconds} seconds.`, errorType: 'FunctionTimeout', stackTrace: [] },
          logs: this.current?.logs ?? [],
        });
        this.kill();
      }, timeoutSeconds * 1000);
      this.current = { resolve, logs: [], timer };
      this.child.send({ type: 'invoke', id, event: event.toString('base64'), context });
    });
  }

  kill(): void {
    this.dead = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private finish(result: RunResult): void {
    const p = this.current;
    if (!p) return;
    this.current = undefined;
    clearTimeout(p.timer);
    p.resolve(result);
  }
}

/** Up to `maxInstances` instances of one function, started on demand and reused while warm. */
export class InstancePool {
  private readonly instances = new Set<Instance>();
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly spec: InstanceSpec,
    private readonly maxInstances: number,
    private readonly log: (line: string) => void,
  ) {}

  async run(event: Buffer, context: object): Promise<RunResult> {
    const instance = await this.acquire();
    try {
      return await instance.run(event, context, this.spec.timeoutSeconds);
    } finally {
      instance.busy = false;
      this.waiting.shift()?.();
    }
  }

  get size(): number {
    return this.instances.size;
  }

  close(): void {
    this.closed = true;
    for (const i of this.instances) i.kill();
    this.instances.clear();
  }

  private async acquire(): Promise<Instance> {
    for (;;) {
      if (this.closed) throw new Error('Function Compute is shutting down.');
      const idle = [...this.instances].find((i) => !i.dead && !i.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.instances.size < this.maxInstances) {
        const instance = new Instance(this.spec, this.log, (i) => {
          this.instances.delete(i);
          this.waiting.shift()?.();
        });
        instance.busy = true;
        this.instances.add(instance);
        return instance;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }
}
