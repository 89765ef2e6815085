/**
 * Worker thread entry (dist/image-worker.js): decodes, scales and re-encodes
 * one image, so that seconds of pixel work never block the server's event loop.
 */
import { parentPort } from 'node:worker_threads';
import { decodeRaster, encodeRaster, resizeRaster, type RasterFormat } from './raster';

interface ScaleRequest {
  bytes: Uint8Array;
  format: RasterFormat;
  width: number;
  height: number;
}

parentPort?.on('message', (request: ScaleRequest) => {
  try {
    const raster = decodeRaster(Buffer.from(request.bytes), request.format);
    const scaled = encodeRaster(resizeRaster(raster, request.width, request.height), request.format);
    parentPort!.postMessage({ ok: true, bytes: scaled });
  } catch (error) {
    parentPort!.postMessage({ ok: false, message: (error as Error).message });
  }
});
