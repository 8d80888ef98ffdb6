/**
 * The data folder's format version, in its `format` file. A folder without one is format 1 (every folder written
 * before the file existed) and gets the file. A folder of a newer format than this control plane reads is refused
 * before anything in it is read or written: an older build after a downgrade, or an older window's extension, must
 * not misread or rewrite what a newer one wrote.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from './atomicFile';
import { CONTROL_PLANE_VERSION, DATA_FORMAT } from '../version';

const FORMAT_FILE = 'format';

export class DataFolderTooNew extends Error {
  constructor(
    readonly dataDir: string,
    readonly format: number,
  ) {
    super(
      `The data folder ${dataDir} was written by a newer control plane (data format ${format}; this one, version ${CONTROL_PLANE_VERSION}, reads format ${DATA_FORMAT} and older). ` +
        'Update the extension (or run the newer control plane), or start this one with another --data folder.',
    );
  }
}

/** Checks the folder's format (call with the folder's lock held) and records it when the folder has none. */
export function checkDataFormat(dataDir: string, readable = DATA_FORMAT): void {
  const file = path.join(dataDir, FORMAT_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    writeFileAtomicSync(file, `${readable}\n`, 0o600);
    return;
  }
  const format = Number(text.trim());
  if (!Number.isInteger(format) || format < 1)
    throw new Error(`The data folder's format file (${file}) holds "${text.trim().slice(0, 20)}", not a format number.`);
  if (format > readable) throw new DataFolderTooNew(dataDir, format);
}
