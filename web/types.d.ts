// The engine's JSON documents, as docs/api.md describes them and the core types encode them, and the methods
// the console calls. The page's scripts import these in JSDoc (`@import`), and `make tsc` checks them against
// every use. Go encodes a nil slice as null: a list is a List, read through dom.js's arr().

export type List<T> = T[] | null;

/** A mobi error code: 1 location, 2 not well formed, 3 schema, 4 token. */
export type Code = 1 | 2 | 3 | 4;

export type Lang = 'en' | 'fr' | 'es';

export type Status = 'accepted' | 'pending';

/** One session file that passes all four checks; also one session in memory. */
export interface Session {
  path: string;
  app: string;
  id: string;
  /** accepted or pending in a file that passes; any text in memory that a refresh has not replaced */
  status: string;
  email?: string;
  applicationId: string;
  applicationName?: string;
  applicationVersion?: string;
  teamId?: string;
  device?: string;
  deviceId?: string;
  os?: string;
  osVersion?: string;
  simulator?: boolean;
  language?: string;
  ip?: string;
}

/** One failed file (docs/api.md's Error; named so that it does not hide the language's Error). */
export interface CheckError {
  component: 'mobi';
  code: Code;
  path: string;
  message: string;
  line?: number;
  column?: number;
  cause?: string;
  violations?: Violation[];
  expected?: Expected;
  mismatches?: Mismatch[];
}

/** A schema violation of a mobi 3, at its JSON pointer. */
export interface Violation {
  pointer: string;
  line?: number;
  column?: number;
  message: string;
}

/** Where a mobi 1's file belongs. */
export interface Expected {
  folder: string;
  file: string;
}

/** A field of the token that differs from the file (mobi 4). */
export interface Mismatch {
  field: string;
  property: string;
  token: string;
  file: string;
}

export type SkipKind =
  | 'root-file' | 'extension' | 'hidden' | 'not-hex' | 'nested' | 'link' | 'not-regular' | 'junk' | 'unreadable';

/** An entry that is not a session file. */
export interface Skipped {
  path: string;
  reason: string;
  kind: SkipKind;
}

/** What one app folder holds, as the engine counts it. */
export interface App {
  name: string;
  sessions: number;
  errors: number;
  skipped: number;
}

export interface Summary {
  apps: number;
  files: number;
  sessions: number;
  errors: number;
  skipped: number;
}

/** A check of a folder (`mobisess check --format json`). */
export interface Report {
  sessions: List<Session>;
  errors: List<CheckError>;
  skipped: List<Skipped>;
  apps: List<App>;
  summary: Summary;
}

/** A value that changes at a JSON pointer: old is absent for an added property, new for a removed one. */
export interface Change {
  pointer: string;
  old?: unknown;
  new?: unknown;
}

export interface Updated {
  path: string;
  changes: List<Change>;
}

export interface PathOnly {
  path: string;
}

export interface Removed {
  path: string;
  /** deleted, or invalid (with the code of the check it fails) */
  reason: string;
  code?: Code;
  message: string;
}

/** What a refresh did, or (State.pending) would do now. */
export interface RefreshReport {
  updated: List<Updated>;
  /** Every session left unchanged; in the refresh method's answer, the first 500 of them (unchangedCount). */
  unchanged: List<PathOnly>;
  /** In the refresh method's answer alone: how many sessions were left unchanged, of which unchanged names the first. */
  unchangedCount?: number;
  /** In the refresh method's answer alone: how many errors the refresh raised, of which errors names the first 200. */
  errorsCount?: number;
  notLoaded: List<PathOnly>;
  loaded?: List<PathOnly>;
  removed: List<Removed>;
  /** Every error; in the refresh method's answer, the first 200 of them (errorsCount). */
  errors: List<CheckError>;
}

/** The memory beside the disk: the sessions named in sameAsDisk are the disk's, not repeated. */
export interface MemoryView {
  count: number;
  sameAsDisk: List<string>;
  sessions: List<Session>;
}

/**
 * The engine's words, in the State's language, for what a report names by code: each mobi code's message, and the
 * reason of a session removed because its file is gone.
 */
export interface Words {
  codes: Partial<Record<Code, string>>;
  deleted: string;
}

/** Everything the console shows. */
export interface State {
  lang: Lang;
  source: string;
  mode: 'browser' | 'server';
  readonly: boolean;
  disk: Report;
  memory: MemoryView;
  pending: RefreshReport;
  apps: List<App>;
  words: Words;
}

export interface TokenField {
  field: string;
  property: string;
  token: string;
  file: string;
  match: boolean;
}

export interface TokenInspection {
  raw: string;
  decoded?: { appNameID: string; id: string; teamID: string };
  error?: string;
  fields?: TokenField[];
}

/** What the console may offer on a file, as the engine decides it. */
export interface FileActions {
  accept: boolean;
  pending: boolean;
  blocked?: string;
  fix?: Fix;
}

/** One file read for the editor (docs/api.md's File; named so that it does not hide the DOM's File). */
export interface FileDoc {
  path: string;
  content: string;
  etag: string;
  token?: TokenInspection;
  error?: CheckError;
  duplicates?: string[];
  actions: FileActions;
}

export type FixKind = 'move' | 'edit' | 'none';

/** One of the three sources of a session file's ids. */
export type Witness = 'place' | 'content' | 'token';

/** What the place, the content and the token say of one id, and which the fix keeps. */
export interface IDWitnesses {
  id: string;
  property: string;
  field: string;
  place?: string;
  content: string;
  token?: string;
  value?: string;
  agree: List<Witness>;
}

/** What the engine can do about one error, as data. */
export interface Fix {
  path: string;
  code: Code;
  kind: FixKind;
  title: string;
  etag?: string;
  from?: string;
  to?: string;
  changes?: Change[];
  content?: string;
  witnesses?: IDWitnesses[];
  choice?: Witness;
  choices?: Fix[];
}

/** The fixes of one file that fails a check, in the order they apply; the last is of kind none when it is left. */
export interface FileFixes {
  path: string;
  error: CheckError;
  fixes: Fix[];
  applied: number;
  refused?: string;
}

/** What fixing a folder did, or (a dry run) would do. */
export interface FixReport {
  dryRun: boolean;
  files: List<FileFixes>;
  errors: List<CheckError>;
}

/** The dev server's own settings (server mode). */
export interface Settings {
  autoRefresh: boolean;
}

/** What the edits of browser mode hold at one path (docs/api.md, "Kept work"). */
export interface Edit {
  path: string;
  removed?: boolean;
  kind?: 'file' | 'folder';
  /** the bytes, in base64 */
  data?: string;
  modified?: string;
  downloaded?: string;
  /** a folder read by the browser: what the disk held at the path when the edit was kept */
  base?: string;
}

export interface EditSet {
  seq: number;
  complete: boolean;
  edits: Edit[];
  differ: number;
  notDownloaded: number;
}

/** The progress of long work, posted while it runs. */
export interface Progress {
  /** the engine's import, check and refresh; the page's own listing and reading of a folder */
  phase: 'import' | 'check' | 'refresh' | 'list' | 'read';
  done: number;
  total: number;
}

/**
 * How the engine refuses: input, conflict, notfound, foreign, wrongroot, readonly; from the dev server also
 * forbidden, unauthorized, busy; internal for a bug.
 */
export type ErrorKind =
  | 'input' | 'conflict' | 'notfound' | 'foreign' | 'wrongroot' | 'readonly' | 'forbidden' | 'unauthorized'
  | 'busy' | 'internal';

/** An error as the engine answers it: wrongroot names the folder to open instead, foreign the entry refused. */
export interface ErrorDocument {
  message: string;
  kind?: ErrorKind;
  root?: string;
  entry?: string;
}

/**
 * One path as the State shows it (docs/api.md, "Delta"): its file on disk (session, error or skipped; none when it
 * is not on disk), its session in memory (sameAsDisk: the disk's; memory: another; neither: not in memory), and
 * what a refresh would do of it (updated, notLoaded or removed; none: leave it). A row with nothing but its path
 * is a path the State no longer holds.
 */
export interface Row {
  path: string;
  session?: Session;
  error?: CheckError;
  skipped?: Skipped;
  sameAsDisk?: boolean;
  memory?: Session;
  updated?: Updated;
  notLoaded?: boolean;
  removed?: Removed;
}

/** What changed of the State: the rows of the paths that changed, and the counts, given whole. */
export interface Delta {
  lang: Lang;
  rows: List<Row>;
  apps: List<App>;
  summary: Summary;
  memoryCount: number;
  /** State.words, said in lang: each code's message, which is every error's and every removal's */
  words: Words;
  /** a change of language: no row moved, the words of each row's own said again (state.js, sayAgain) */
  said?: List<Said>;
}

/** The words of one path's row that are its own, said again: its error's cause and violations, or why it is skipped. */
export interface Said {
  path: string;
  cause?: string;
  /** the message of each of its error's violations, in their order */
  violations?: string[];
  reason?: string;
}

/** The answer of a change of one file: the file as it now is, and what changed of the State. */
export interface FileAndDelta {
  file: FileDoc;
  delta: Delta;
}

/** setLang's answer when given the open file's path and ETag: that file in the new language (null when it cannot be
 * read any more: the rows say why) and the rows said again. */
export interface SaidAgain {
  file: FileDoc | null;
  delta: Delta;
}

export interface CreateParams {
  applicationId: string;
  teamId: string;
  status: Status;
  email: string;
  id?: string;
  device?: string;
  os?: string;
}

/** A method that takes no parameter. */
export type NoParams = Record<never, never>;

/** The console's methods (docs/api.md, "the worker protocol"): what each takes and answers, in both modes. */
export interface Methods {
  openZip: { params: { name: string; bytes: ArrayBuffer; lang: string; edits?: Edit[]; root?: string }; result: State };
  openSample: { params: { lang: string; edits?: Edit[] }; result: State };
  state: { params: NoParams; result: State };
  setLang: { params: { lang: string; path?: string; etag?: string }; result: Delta | SaidAgain };
  read: { params: { path: string }; result: FileDoc };
  write: { params: { path: string; content: string; etag?: string }; result: FileAndDelta };
  remove: { params: { path: string; etag?: string; force?: boolean }; result: Delta };
  setStatus: { params: { path: string; status: Status; etag?: string }; result: FileAndDelta };
  create: { params: CreateParams; result: FileAndDelta };
  fix: { params: { path: string; etag?: string; trust?: Witness }; result: FileAndDelta };
  inspect: { params: { path: string; content: string }; result: FileDoc };
  format: { params: { content: string }; result: { content: string } };
  fixAllPreview: { params: NoParams; result: FixReport };
  fixAll: { params: { files: { path: string; etag: string }[] }; result: { report: FixReport; state: State } };
  settings: { params: NoParams; result: Settings };
  setSettings: { params: Partial<Settings>; result: Settings };
  refresh: { params: NoParams; result: { report: RefreshReport; delta: Delta } };
  restart: { params: NoParams; result: State };
  download: { params: NoParams; result: { name: string; bytes: ArrayBuffer } };
  edits: { params: { since: number }; result: EditSet };
  discardEdits: { params: NoParams; result: State };
  planFolder: { params: FolderParams; result: FolderPlan };
  openFolder: { params: FolderParams & { bytes: ArrayBuffer; lang: string; edits?: Edit[] }; result: State };
  folderWrites: { params: NoParams; result: FolderWrites };
  folderWritten: { params: { seq: number; done: WrittenStep[] }; result: WriteBack };
}

/** One entry of a folder read by the page (docs/api.md, "A folder read by the browser"). */
export interface FolderEntry {
  path: string;
  dir?: boolean;
  size?: number;
  /** ms since 1970, as File.lastModified */
  modified?: number;
}

export interface FolderParams {
  name: string;
  root?: string;
  entries: FolderEntry[];
  lang?: string;
}

/** What to read of a folder: the indices of its entries, with how many files and bytes. */
export interface FolderPlan {
  read: number[];
  files: number;
  bytes: number;
}

/** What the folder on disk holds at a path, as the engine last knew it. */
export interface DiskEntry {
  kind: 'file' | 'folder';
  size?: number;
  modified?: number;
  sha256?: string;
}

/** One step of writing the edits back to the folder. */
export interface FolderWrite {
  path: string;
  op: 'mkdir' | 'write' | 'remove' | 'rmdir';
  /** the file's bytes, in base64 */
  data?: string;
  expect?: DiskEntry;
}

export interface FolderWrites {
  seq: number;
  writes: FolderWrite[];
}

/** A step taken, with the time the disk gave a file written. */
export interface WrittenStep {
  path: string;
  modified?: number;
}

export interface WriteBack {
  written: number;
  differ: number;
}

export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M]['params'];
export type Result<M extends Method> = Methods[M]['result'];

type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every parameter of every method, each optional: how a transport reads the parameters it turns into a request. */
export type AnyParams = Partial<Intersection<Params<Method>>>;

// What Chromium's File System Access API adds that TypeScript's DOM library does not declare (yet).
declare global {
  interface FileSystemHandlePermissionDescriptor {
    mode?: 'read' | 'readwrite';
  }
  interface FileSystemHandle {
    queryPermission(descriptor?: FileSystemHandlePermissionDescriptor): Promise<PermissionState>;
    requestPermission(descriptor?: FileSystemHandlePermissionDescriptor): Promise<PermissionState>;
  }
  interface FileSystemDirectoryHandle {
    entries(): AsyncIterableIterator<[string, FileSystemHandle]>;
  }
  interface DataTransferItem {
    getAsFileSystemHandle?(): Promise<FileSystemHandle | null>;
  }
  interface Window {
    showDirectoryPicker?(options?: { id?: string; mode?: 'read' | 'readwrite'; startIn?: string }): Promise<FileSystemDirectoryHandle>;
  }
}
