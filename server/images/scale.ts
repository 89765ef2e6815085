/**
 * Scales an image down in a worker thread when the bundled worker is there
 * (dist/image-worker.js), else on this thread (tests that run the sources).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { decodeRaster, encodeRaster, resizeRaster, type RasterFormat } from './raster';

const WORKER_FILE = path.join(__dirname, 'image-worker.js');

export async function scaleImage(bytes: Buffer, format: RasterFormat, width: number, height: number): Promise<Buffer> {
  if (!fs.existsSync(WORKER_FILE)) return encodeRaster(resizeRaster(decodeRaster(bytes, format), width, height), format);
  const worker = new Worker(WORKER_FILE);
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      worker.once('message', (reply: { ok: boolean; bytes?: Uint8Array; message?: string }) =>
        reply.ok && reply.bytes ? resolve(Buffer.from(reply.bytes)) : reject(new Error(reply.message ?? 'image worker failed')),
      );
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`image worker exited with code ${code}`)));
      worker.postMessage({ bytes, format, width, height });
    });
  } finally {
    void worker.terminate();
  }
}
