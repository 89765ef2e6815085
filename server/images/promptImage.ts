/**
 * Turns user image input (`localImage` paths and `image` data URLs) into the
 * Responses-API `input_image` parts the model receives, the way the reference
 * does: a local image is wrapped in `<image name=[Image #N] path="…">` text,
 * images over MAX_IMAGE_SIDE are scaled down, and an image that cannot be
 * used is replaced by a short note to the model instead of failing the turn.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeRaster, fitWithin, headerSize, MAX_IMAGE_SIDE, sniffFormat, type RasterFormat } from './raster';
import { scaleImage } from './scale';

export type ContentPart = { type: 'input_text'; text: string } | { type: 'input_image'; image_url: string; detail: string };

/** Details the model accepts for images; `low` is refused with a note, as the reference does. */
const SUPPORTED_DETAILS = new Set(['high', 'original', 'auto']);

type ImageOutcome = { ok: true; dataUrl: string } | { ok: false; note: string };

/** A data URL for the model: the image as is when it fits, else scaled down; gif/webp/unknown are refused. */
async function preparedImage(bytes: Buffer, keepOriginalSize: boolean): Promise<ImageOutcome> {
  const format = sniffFormat(bytes);
  if (format !== 'png' && format !== 'jpeg') return { ok: false, note: 'image content omitted because it could not be processed' };
  try {
    // Most images fit: their header tells, and they are sent as they are without decoding.
    const declared = headerSize(bytes, format);
    if (declared && (keepOriginalSize || (declared.width <= MAX_IMAGE_SIDE && declared.height <= MAX_IMAGE_SIDE))) return { ok: true, dataUrl: dataUrlOf(bytes, format) };
    const size = declared ?? decodeRaster(bytes, format);
    const target = keepOriginalSize ? size : fitWithin(size.width, size.height);
    if (target.width === size.width && target.height === size.height) return { ok: true, dataUrl: dataUrlOf(bytes, format) };
    return { ok: true, dataUrl: dataUrlOf(await scaleImage(bytes, format, target.width, target.height), format) };
  } catch {
    return { ok: false, note: 'image content omitted because it could not be processed' };
  }
}

const dataUrlOf = (bytes: Buffer, format: RasterFormat) => `data:image/${format};base64,${bytes.toString('base64')}`;

/** The bytes of a base64 data URL, or null if it is not one. */
function bytesOfDataUrl(url: string): Buffer | null {
  const match = /^data:([^;,]*)(;[^,]*)?,(.*)$/s.exec(url);
  if (!match || !(match[2] ?? '').includes(';base64')) return null;
  return Buffer.from(match[3], 'base64');
}

/** Content parts for one `localImage` input (numbered `index` among the message's images). */
export async function localImageParts(imagePath: string, detail: string | null | undefined, index: number, cwd: string): Promise<ContentPart[]> {
  const file = path.resolve(cwd, imagePath);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return [{ type: 'input_text', text: `Codex could not read the local image at \`${imagePath}\`: ${readErrorText(error)}` }];
  }
  const open: ContentPart = { type: 'input_text', text: `<image name=[Image #${index}] path="${imagePath}">` };
  const close: ContentPart = { type: 'input_text', text: '</image>' };
  return [open, await imagePart(bytes, detail), close];
}

/** Content parts for one `image` (data URL) input. */
export async function urlImageParts(url: string, detail: string | null | undefined): Promise<ContentPart[]> {
  const bytes = bytesOfDataUrl(url);
  if (!bytes) return [{ type: 'input_text', text: 'image content omitted because it could not be processed' }];
  return [await imagePart(bytes, detail)];
}

async function imagePart(bytes: Buffer, detail: string | null | undefined): Promise<ContentPart> {
  const wanted = detail ?? 'high';
  if (!SUPPORTED_DETAILS.has(wanted)) {
    return { type: 'input_text', text: `image content omitted because detail '${wanted}' is not supported; use 'high', 'original', or 'auto'` };
  }
  const outcome = await preparedImage(bytes, wanted === 'original');
  if (!outcome.ok) return { type: 'input_text', text: outcome.note };
  return { type: 'input_image', image_url: outcome.dataUrl, detail: wanted === 'auto' ? 'high' : wanted };
}

/** Why a file could not be read, in the words the reference uses (errno text and number). */
function readErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, [string, number]> = {
    ENOENT: ['No such file or directory', 2],
    EACCES: ['Permission denied', 13],
    EISDIR: ['Is a directory', 21],
  };
  const entry = code ? known[code] : undefined;
  return entry ? `${entry[0]} (os error ${entry[1]})` : (error as Error).message;
}

/** Why an `image` input cannot be accepted at all (checked before a turn starts), or null. */
export function rejectedImageUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  if (/^https?:/i.test(url)) return 'remote image URLs are not supported; use an inline data URL instead';
  return null;
}
