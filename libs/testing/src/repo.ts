// Where the repository is, and how its TypeScript entries run as processes.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** tsx's loader by absolute URL: `--import tsx` would not resolve from a scratch directory. */
export const TSX_LOADER = pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
/** Node flags that run a TypeScript entry of this repository (workspace libs from source). */
export const TSX_NODE_ARGS: readonly string[] = ['--conditions=@switchboard/source', '--import', TSX_LOADER];
