// Content-addressed cache entries (fetched tarballs, composed charts): each is written in a
// temporary folder and renamed into place, so a reader never sees half an entry; when two
// runs build the same entry, the first rename wins and the second one's copy is dropped.

import { rename, stat } from 'node:fs/promises';

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Moves the finished `tmp` folder to `entry`, unless another run put the same entry there first. */
export async function publishEntry(tmp: string, entry: string): Promise<void> {
  await rename(tmp, entry).catch(async (e: unknown) => {
    if (!(await exists(entry))) throw e;
  });
}
