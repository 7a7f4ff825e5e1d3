import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * A data folder's name among the files kept for it (the persisted index, the passage vectors): a hash of its absolute
 * path, so that several folders keep one file each.
 */
export function folderKey(dataDir: string): string {
  return createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
}
