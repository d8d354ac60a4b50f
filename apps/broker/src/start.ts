// The broker's process entry (`npm run broker`, the image, the bench): V8's compile cache on, then
// the one-file bundle of main.ts. The cache keeps the compiled bundle on disk (NODE_COMPILE_CACHE,
// else the OS temp directory) so a restart skips parsing it; where nothing can be written it is off
// and the broker starts all the same. Without a bundle (built with tsc alone), main.js runs.
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { setFlagsFromString } from 'node:v8';

// Node 24 has it; on an older Node (the bench compares with Node 20) the broker starts without it.
(nodeModule as Partial<typeof nodeModule>).enableCompileCache?.();
// Hot functions go to V8's optimizing tier after 500 calls, not 3000: a fresh broker spent
// 150–170 µs of main-thread CPU per KV get over its first 10,000 gets, 60 µs once warm (the bench's
// KV get cells fall in that first phase); with this, 100–106 µs, then 52–62. Costs ~0.1 s more
// background compiling and ~1.5 MB RSS once warm; idle RSS is unchanged. Node 20's V8 lacks the flag.
if (Number(process.versions.node.split('.')[0]) >= 24) setFlagsFromString('--invocation-count-for-turbofan=500');
const bundle = new URL('./bundle/broker.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : './main.js');
