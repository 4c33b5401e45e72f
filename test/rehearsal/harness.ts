/** The production rehearsal for tests: localcloud behind the public endpoint names over TLS (localcloud/rehearsal). */
export { type Connection, type Rehearsal, startRehearsal } from '../../localcloud/rehearsal/index.js';
