// What the workers find in their global scope beside the language's: Go's wasm_exec.js (imported by worker.js),
// and the engine the Go program registers (wasm/; docs/api.md, "the worker protocol").

/** Go's loader of a wasm program (wasm_exec.js). */
declare class Go {
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}

/** The engine, as the Go program registers it before it blocks in main. */
interface MobisessEngine {
  /** answers the engine's JSON, or with bytes beside it (download); rejects with '{"message":…,"kind":…}' */
  call(method: string, paramsJSON: string, bytes?: Uint8Array): Promise<string | { json: string; bytes?: Uint8Array }>;
  /** opens the embedded sample, enlarged, times, in a workspace of its own */
  warmUp?(times: number): Promise<void>;
  /** set by the worker: told '{"phase":…,"done":n,"total":n}' while long work runs */
  onProgress?: (json: string) => void;
}

declare var mobisess: MobisessEngine | undefined;
/** set once the Go program has returned: the engine is gone */
declare var mobisessExited: boolean | undefined;
