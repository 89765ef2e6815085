/**
 * Images in the composer: pasted (a screenshot), dropped (image files) or
 * picked with the attach button. Each becomes a removable thumbnail chip.
 * Images are read here, refused over IMAGE_MAX_BYTES, and scaled down to fit
 * IMAGE_MAX_SIDE on a canvas (re-encoded as PNG, or JPEG for JPEG input), so
 * the server gets a data URL the model accepts. Refusals and scaling are told
 * in a status line under the chips.
 */
import { IMAGE_MAX_BYTES, IMAGE_MAX_SIDE, type ComposerImage } from './protocol';

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('not an image this view can read'));
    image.src = url;
  });
}

/** Reads an image file; scales it to fit IMAGE_MAX_SIDE. Throws with a message for the user. */
export async function prepareImage(file: File): Promise<{ image: ComposerImage; scaledFrom?: string }> {
  const name = file.name || 'pasted image';
  if (file.size > IMAGE_MAX_BYTES) throw new Error(`${name} is ${megabytes(file.size)}; images up to ${megabytes(IMAGE_MAX_BYTES)} can be attached.`);
  const original = await readAsDataUrl(file);
  const image = await loadImage(original).catch(() => {
    throw new Error(`${name} could not be read as an image.`);
  });
  const { naturalWidth: width, naturalHeight: height } = image;
  const keepsFormat = file.type === 'image/png' || file.type === 'image/jpeg';
  if (width <= IMAGE_MAX_SIDE && height <= IMAGE_MAX_SIDE && keepsFormat) return { image: { name, dataUrl: original, width, height } };
  // Too large, or a format the model may not take (gif, webp, bmp…): drawn again at a size that fits.
  const ratio = Math.min(1, IMAGE_MAX_SIDE / width, IMAGE_MAX_SIDE / height);
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.getContext('2d')!.drawImage(image, 0, 0, w, h);
  const dataUrl = file.type === 'image/jpeg' ? canvas.toDataURL('image/jpeg', 0.9) : canvas.toDataURL('image/png');
  return { image: { name, dataUrl, width: w, height: h }, scaledFrom: ratio < 1 ? `${width}×${height}` : undefined };
}

export class ImageTray {
  readonly element: HTMLElement;
  readonly attachButton: HTMLButtonElement;
  private readonly input: HTMLInputElement;
  private readonly chips: HTMLElement;
  private readonly note: HTMLElement;
  private images: ComposerImage[] = [];
  /** Reads in progress, so that Send waits for a paste that is still being read. */
  private pending: Promise<void>[] = [];

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'image-tray';
    this.chips = document.createElement('div');
    this.chips.className = 'chips';
    this.chips.hidden = true;
    this.note = document.createElement('div');
    this.note.className = 'image-note';
    this.note.setAttribute('role', 'status');
    this.note.hidden = true;
    this.element.append(this.chips, this.note);
    this.input = document.createElement('input');
    this.input.type = 'file';
    this.input.accept = 'image/*';
    this.input.multiple = true;
    this.input.hidden = true;
    this.input.addEventListener('change', () => {
      void this.addFiles([...(this.input.files ?? [])]);
      this.input.value = '';
    });
    this.attachButton = document.createElement('button');
    this.attachButton.type = 'button';
    this.attachButton.className = 'button secondary attach-image';
    this.attachButton.title = `Attach images (up to ${megabytes(IMAGE_MAX_BYTES)}; larger than ${IMAGE_MAX_SIDE} px are scaled down)`;
    this.attachButton.setAttribute('aria-label', 'Attach images');
    const icon = document.createElement('span');
    icon.className = 'codicon codicon-file-media';
    this.attachButton.append(icon, this.input);
    this.attachButton.addEventListener('click', (event) => {
      if (event.target !== this.input) this.input.click();
    });
  }

  /** Hooks paste and drop on the composer. */
  listen(target: HTMLElement): void {
    target.addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])].filter((file) => file.type.startsWith('image/'));
      if (!files.length) return;
      event.preventDefault();
      void this.addFiles(files);
    });
    target.addEventListener('dragover', (event) => {
      if ([...(event.dataTransfer?.items ?? [])].some((item) => item.kind === 'file')) {
        event.preventDefault();
        target.classList.add('drop-target');
      }
    });
    target.addEventListener('dragleave', () => target.classList.remove('drop-target'));
    target.addEventListener('drop', (event) => {
      target.classList.remove('drop-target');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (!files.length) return;
      event.preventDefault();
      const images = files.filter((file) => file.type.startsWith('image/'));
      if (images.length < files.length) this.onNotice('Only image files can be dropped here.', 'error');
      void this.addFiles(images);
    });
  }

  private onNotice(text: string, level: 'info' | 'error'): void {
    this.note.textContent = text;
    this.note.dataset.level = level;
    this.note.hidden = false;
  }

  async addFiles(files: File[]): Promise<void> {
    this.note.hidden = true;
    const reads = files.map(async (file) => {
      try {
        const { image, scaledFrom } = await prepareImage(file);
        this.images.push(image);
        if (scaledFrom) this.onNotice(`${image.name} (${scaledFrom}) was scaled to ${image.width}×${image.height}: images are sent at most ${IMAGE_MAX_SIDE} px on a side.`, 'info');
      } catch (error) {
        this.onNotice((error as Error).message, 'error');
      }
    });
    this.pending.push(...reads);
    await Promise.all(reads);
    this.pending = this.pending.filter((read) => !reads.includes(read));
    this.render();
  }

  get count(): number {
    return this.images.length;
  }

  /** The attached images once every read has finished; the tray is emptied. */
  async take(): Promise<ComposerImage[]> {
    await Promise.all(this.pending);
    const taken = this.images;
    this.images = [];
    this.note.hidden = true;
    this.render();
    return taken;
  }

  private render(): void {
    this.chips.replaceChildren(
      ...this.images.map((image, index) => {
        const chip = document.createElement('span');
        chip.className = 'chip image-chip';
        chip.title = `${image.name} (${image.width}×${image.height})`;
        const thumb = document.createElement('img');
        thumb.src = image.dataUrl;
        thumb.alt = image.name;
        const label = document.createElement('span');
        label.textContent = image.name;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'chip-remove';
        remove.title = `Remove ${image.name}`;
        remove.setAttribute('aria-label', `Remove ${image.name}`);
        remove.textContent = '×';
        remove.addEventListener('click', () => {
          this.images.splice(index, 1);
          this.render();
        });
        chip.append(thumb, label, remove);
        return chip;
      }),
    );
    this.chips.hidden = this.images.length === 0;
  }
}
