import { OWNERSHIP_KEYS_ENV } from '../../shared/cloud/ownership-keys.js';
import { TEST_OWNERSHIP_KEYS } from './ownership.js';

// Every test runs with the test keys (functions in localcloud get them through s.yaml's ${env(...)}, CLI runs and
// spawned processes inherit them); a test of the no-key behaviour removes them for itself.
process.env[OWNERSHIP_KEYS_ENV] = TEST_OWNERSHIP_KEYS;
