#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the command works from a checkout without a build step.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('tsx/cjs/api').register();
require('../cli/main.ts');
