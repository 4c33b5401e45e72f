#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (both module hooks: the CLI loads functions with dynamic import()), so the
// command works from a checkout without a build step.
import { createRequire } from 'node:module';
import { register } from 'tsx/esm/api';

register();
const require = createRequire(import.meta.url);
require('tsx/cjs/api').register();
require('../cli/main.ts');
