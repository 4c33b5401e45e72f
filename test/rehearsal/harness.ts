/** The production rehearsal for tests: localcloud behind the public endpoint names over TLS (localcloud/rehearsal). */
export { startRehearsal, type Connection, type Rehearsal } from '../../localcloud/rehearsal/index.js';
