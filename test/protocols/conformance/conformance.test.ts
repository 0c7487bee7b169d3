import { FIXTURES } from './fixtures.js';
import { conformanceSuite } from './suite.js';

// One suite, every protocol: a transport that behaves differently from the others fails here.
for (const fixture of FIXTURES) conformanceSuite(fixture);
