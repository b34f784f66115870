// A worker thread's entry point: TypeScript through tsx (as bin/crux.mjs does for the main thread), then the engine thread.
import { register } from 'tsx/esm/api';

register();
await import('./engine-thread.ts');
