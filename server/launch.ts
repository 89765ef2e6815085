/**
 * Entry point of `dist/server.js`: runs the real server bundle
 * (`dist/server-main.js`, built from `server/main.ts`) with a V8 code cache,
 * which takes the compile of the whole bundle off every cold start.
 */
import path from 'node:path';
import { runWithCodeCache } from './core/codeCache';

runWithCodeCache(path.join(__dirname, 'server-main.js'));
