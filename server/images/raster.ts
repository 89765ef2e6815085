/**
 * Decoding, scaling and encoding of prompt images (PNG and JPEG), in pure JS.
 * Like the reference, an image larger than MAX_IMAGE_SIDE on either side is
 * scaled down to fit (aspect ratio kept) before it is sent to the model.
 */
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

/** The longest side, in pixels, of an image sent to the model (the reference's limit). */
export const MAX_IMAGE_SIDE = 2048;

export type RasterFormat = 'png' | 'jpeg';

export interface Raster {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  data: Uint8Array;
}

/** The format from the file's first bytes (never from its name). */
export function sniffFormat(bytes: Uint8Array): RasterFormat | 'gif' | 'webp' | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'webp';
  return null;
}

/** Width and height from the file header alone (PNG IHDR, JPEG start-of-frame), or null. */
export function headerSize(bytes: Uint8Array, format: RasterFormat): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') return bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = view.getUint16(at + 2);
    // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
    }
    at += 2 + length;
  }
  return null;
}

export function decodeRaster(bytes: Buffer, format: RasterFormat): Raster {
  if (format === 'png') {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  }
  // maxMemoryUsageInMB bounds what a hostile JPEG header can make us allocate.
  const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  return { width: image.width, height: image.height, data: image.data };
}

export function encodeRaster(raster: Raster, format: RasterFormat): Buffer {
  if (format === 'jpeg') return Buffer.from(jpeg.encode({ width: raster.width, height: raster.height, data: raster.data }, 85).data);
  const png = new PNG({ width: raster.width, height: raster.height });
  png.data = Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength);
  return PNG.sync.write(png);
}

/** The size an image is scaled to so that neither side exceeds `max` (unchanged if it fits). */
export function fitWithin(width: number, height: number, max = MAX_IMAGE_SIDE): { width: number; height: number } {
  if (width <= max && height <= max) return { width, height };
  const ratio = Math.min(max / width, max / height);
  return { width: Math.max(1, Math.round(width * ratio)), height: Math.max(1, Math.round(height * ratio)) };
}

/** Scales with a triangle (bilinear, widened when shrinking) filter, one axis at a time. */
export function resizeRaster(source: Raster, width: number, height: number): Raster {
  const horizontal = resampleAxis(source.data, source.width, source.height, width, true);
  const data = resampleAxis(horizontal, width, source.height, height, false);
  return { width, height, data };
}

function resampleAxis(data: Uint8Array, width: number, height: number, target: number, alongX: boolean): Uint8Array {
  const sourceLength = alongX ? width : height;
  const lines = alongX ? height : width;
  const out = new Uint8Array((alongX ? target * height : width * target) * 4);
  const scale = sourceLength / target;
  const support = Math.max(1, scale);
  // Weights per output position are the same for every line: compute them once.
  const starts = new Int32Array(target);
  const weights: Float64Array[] = [];
  for (let i = 0; i < target; i++) {
    const center = (i + 0.5) * scale - 0.5;
    const first = Math.max(0, Math.ceil(center - support));
    const last = Math.min(sourceLength - 1, Math.floor(center + support));
    const w = new Float64Array(last - first + 1);
    let sum = 0;
    for (let s = first; s <= last; s++) {
      const value = Math.max(0, 1 - Math.abs(s - center) / support);
      w[s - first] = value;
      sum += value;
    }
    if (sum === 0) w[Math.min(w.length - 1, Math.max(0, Math.round(center) - first))] = sum = 1;
    for (let k = 0; k < w.length; k++) w[k] /= sum;
    starts[i] = first;
    weights.push(w);
  }
  for (let line = 0; line < lines; line++) {
    for (let i = 0; i < target; i++) {
      const w = weights[i];
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0; k < w.length; k++) {
        const s = starts[i] + k;
        const at = (alongX ? line * width + s : s * width + line) * 4;
        r += data[at] * w[k];
        g += data[at + 1] * w[k];
        b += data[at + 2] * w[k];
        a += data[at + 3] * w[k];
      }
      const to = (alongX ? line * target + i : i * width + line) * 4;
      out[to] = clampByte(r);
      out[to + 1] = clampByte(g);
      out[to + 2] = clampByte(b);
      out[to + 3] = clampByte(a);
    }
  }
  return out;
}

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));
