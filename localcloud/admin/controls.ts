import { Ajv } from 'ajv';
import type { Keyring } from '../core/keyring.js';
import type { CallLog } from '../pop/call-log.js';
import type { Fault, Faults } from '../pop/faults.js';
import type { RateLimits, Throttle } from '../pop/throttle.js';
import type { CloudState } from '../state.js';
import { schemaProblems, WorldError } from '../world/load.js';
import { faultsSchema, rateLimitsSchema } from '../world/schema.js';
import type { WorldFile, WorldOptions } from '../world/types.js';
import { dumpWorld } from './dump.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const validFaults = ajv.compile<Fault[]>(faultsSchema);
const validRateLimits = ajv.compile<RateLimits>(rateLimitsSchema);

/** What tests, benchmarks and the admin endpoint may change or read at run time; inputs are checked like the world. */
export class CloudControls {
  constructor(
    private readonly state: CloudState,
    private readonly keyring: Keyring,
    readonly calls: CallLog,
    private readonly faults: Faults,
    private readonly throttle: Throttle,
    private readonly callLogLimit: number,
  ) {}

  setFaults(faults: unknown): Fault[] {
    if (!validFaults(faults)) throw new WorldError(schemaProblems(validFaults.errors));
    this.faults.set(faults);
    return this.faults.get();
  }

  getFaults(): Fault[] {
    return this.faults.get();
  }

  setRateLimits(limits: unknown): RateLimits {
    if (!validRateLimits(limits)) throw new WorldError(schemaProblems(validRateLimits.errors));
    this.throttle.set(limits);
    return this.throttle.get();
  }

  getRateLimits(): RateLimits {
    return this.throttle.get();
  }

  /** The whole cloud as a world file, including the run-time faults and rate limits. */
  dump(): WorldFile {
    const o = this.state.options;
    const options: WorldOptions = { ...o, quotas: { ...o.quotas }, rateLimits: this.getRateLimits(), faults: this.getFaults(), callLogLimit: this.callLogLimit };
    return dumpWorld(this.state, this.keyring.list(), options);
  }
}
