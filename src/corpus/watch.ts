import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface WatchOptions {
  /** Quiet time after the last change before `onChange` is called: copying in a hundred files is one change. */
  readonly debounceMs: number;
  /** How often the folder is compared with how it was, while it cannot be watched or does not exist. */
  readonly pollMs?: number;
  /** Told once if the platform cannot watch the folder, before polling takes over. */
  readonly onPolling?: (error: unknown) => void;
}

export interface FolderWatch {
  close(): void;
}

export const DEFAULT_POLL_MS = 2_000;
const MISSING = 'missing';

/** A folder that never stops changing (a sync tool at work) is still read again, at most this many quiet times late. */
const LONGEST_DELAY_IN_QUIET_TIMES = 10;

/**
 * Calls `onChange` after files or folders under `root` are added, changed, renamed or removed, once the changes stop.
 * Hidden files and folders (".name", such as editors' swap files) are ignored, as the sources ignore them.
 *
 * One watcher per directory rather than `fs.watch(root, { recursive: true })`: on Linux, Node 20 implements recursion
 * with a watcher per file, which goes deaf to a file once an editor, git or rsync saves it by renaming a new copy over
 * it. A directory watcher sees every entry of its directory, whatever happens to their inodes. When the root is
 * removed or replaced, or the platform cannot watch (an inotify limit, a network file system), the folder is polled
 * until it can be watched again.
 */
export function watchFolder(root: string, onChange: () => void, options: WatchOptions): FolderWatch {
  return new FolderWatcher(path.resolve(root), onChange, options);
}

class FolderWatcher implements FolderWatch {
  readonly #root: string;
  readonly #onChange: () => void;
  readonly #options: WatchOptions;
  /** Each watched directory with the identity (device and inode) it had when its watcher was made. */
  readonly #watchers = new Map<string, { watcher: FSWatcher; identity: string }>();
  #canWatch = true;
  /** Updates of the watchers run one at a time: an older listing must not undo a newer one. */
  #updating: Promise<void> = Promise.resolve();
  /** The polling under way, if any: stopping it marks it stopped, so that a poll still reading the folder ends there. */
  #polling: { timer: NodeJS.Timeout; stopped: boolean } | undefined;
  #quietTimer: NodeJS.Timeout | undefined;
  #firstChangeAt: number | undefined;
  #closed = false;

  constructor(root: string, onChange: () => void, options: WatchOptions) {
    this.#root = root;
    this.#onChange = onChange;
    this.#options = options;
    void this.#watchTree();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#quietTimer);
    this.#stopPolling();
    this.#unwatchAll();
  }

  #watchTree(): Promise<void> {
    this.#updating = this.#updating.then(() => this.#updateWatchers());
    return this.#updating;
  }

  /** Brings the watchers in line with the directories as they are now; polls when that is not possible. */
  async #updateWatchers(): Promise<void> {
    if (!this.#canWatch) return this.#startPolling(undefined);
    let directories: Map<string, string>;
    try {
      directories = await listDirectories(this.#root);
    } catch {
      // The root is gone (or unreadable): polling notices when it is back.
      this.#unwatchAll();
      return this.#startPolling(MISSING);
    }
    if (this.#closed) return;
    for (const [directory, { watcher, identity }] of this.#watchers) {
      if (directories.get(directory) !== identity) {
        watcher.close();
        this.#watchers.delete(directory);
      }
    }
    for (const [directory, identity] of directories) {
      if (this.#watchers.has(directory)) continue;
      let watcher: FSWatcher;
      try {
        watcher = watch(directory, { persistent: false }, (_event, name) => {
          if (name === null || !isHidden(name)) this.#changed();
        });
      } catch (error) {
        // Removed since it was listed: its parent's watcher reports that.
        if (isMissing(error)) continue;
        return this.#fallBackToPolling(error);
      }
      watcher.on('error', (error) => this.#fallBackToPolling(error));
      this.#watchers.set(directory, { watcher, identity });
    }
    this.#stopPolling();
  }

  #fallBackToPolling(error: unknown): void {
    if (!this.#canWatch || this.#closed) return;
    this.#canWatch = false;
    this.#unwatchAll();
    this.#options.onPolling?.(error);
    this.#startPolling(undefined);
  }

  /** `lastSeen`: the folder's state when polling starts, if known; else the first poll only takes note of it. */
  #startPolling(lastSeen: string | undefined): void {
    if (this.#polling !== undefined || this.#closed) return;
    let previous = lastSeen;
    const poll = async (): Promise<void> => {
      const current = await fingerprint(this.#root);
      if (polling.stopped) return;
      if (previous !== undefined && current !== previous) this.#changed();
      previous = current;
      polling.timer = setTimeout(() => void poll(), this.#options.pollMs ?? DEFAULT_POLL_MS).unref();
    };
    const polling = { timer: setTimeout(() => void poll(), 0).unref(), stopped: false };
    this.#polling = polling;
  }

  #stopPolling(): void {
    if (this.#polling === undefined) return;
    clearTimeout(this.#polling.timer);
    this.#polling.stopped = true;
    this.#polling = undefined;
  }

  #unwatchAll(): void {
    for (const { watcher } of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  #changed(): void {
    if (this.#closed) return;
    const now = performance.now();
    this.#firstChangeAt ??= now;
    const { debounceMs } = this.#options;
    const latest = this.#firstChangeAt + debounceMs * LONGEST_DELAY_IN_QUIET_TIMES;
    clearTimeout(this.#quietTimer);
    this.#quietTimer = setTimeout(() => void this.#settle(), Math.max(0, Math.min(debounceMs, latest - now))).unref();
  }

  async #settle(): Promise<void> {
    this.#firstChangeAt = undefined;
    // New directories get their watcher before the sources are read, so that nothing written into them is missed.
    await this.#watchTree();
    if (!this.#closed) this.#onChange();
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/**
 * Every directory of the tree that the sources are read from (hidden ones and symbolic links aside), with its
 * identity. Rejects when the root itself cannot be read.
 */
async function listDirectories(root: string): Promise<Map<string, string>> {
  const directories = new Map<string, string>();
  const visit = async (directory: string): Promise<void> => {
    const info = await stat(directory);
    directories.set(directory, `${info.dev}:${info.ino}`);
    const entries = await readdir(directory, { withFileTypes: true });
    for (const entry of entries) {
      // A folder removed meanwhile, or unreadable (the sources skip it too), is left unwatched: its parent's watcher
      // still reports it changing.
      if (entry.isDirectory() && !isHidden(entry.name)) await visit(path.join(directory, entry.name)).catch(() => {});
    }
  };
  await visit(root);
  return directories;
}

/** What polling compares: every entry's path, size, modification time and inode, or MISSING. */
async function fingerprint(root: string): Promise<string> {
  const lines: string[] = [];
  const visit = async (directory: string): Promise<void> => {
    const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      const full = path.join(directory, entry.name);
      const info = await stat(full).catch(() => undefined);
      if (info === undefined) continue;
      lines.push(`${path.relative(root, full)}\t${info.size}\t${info.mtimeMs}\t${info.ino}`);
      if (entry.isDirectory()) await visit(full);
    }
  };
  const rootInfo = await stat(root).catch(() => undefined);
  if (rootInfo === undefined) return MISSING;
  lines.push(`${rootInfo.ino}`);
  await visit(root);
  return lines.join('\n');
}
