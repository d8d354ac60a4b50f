// The broker's process entry (`npm run broker`, the image, the bench): V8's compile cache on, then
// the one-file bundle of main.ts. The cache keeps the compiled bundle on disk (NODE_COMPILE_CACHE,
// else the OS temp directory) so a restart skips parsing it; where nothing can be written it is off
// and the broker starts all the same. Without a bundle (built with tsc alone), main.js runs.
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';

// Node 24 has it; on an older Node (the bench compares with Node 20) the broker starts without it.
(nodeModule as Partial<typeof nodeModule>).enableCompileCache?.();
const bundle = new URL('./bundle/broker.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : './main.js');
