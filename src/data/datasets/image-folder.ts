/**
 * torchvision's ImageFolder: one subfolder per class under a root, class
 * indices by sorted folder name, and every image file below a class folder
 * (nested folders too, symlinks followed) in torchvision's order. Only the
 * file list is read up front; each image is decoded by readImage (as RGB,
 * Pillow-exact) when get() asks for it, so a large folder costs little
 * memory and decoding runs on sharp's threads while the model computes.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DatasetError, checkIndex, type Dataset, type Sample } from '../dataset.js';
import { ImageError, readImage, type ReadImageOptions } from '../image.js';

/** Extensions taken as images (compared lower-cased): the formats readImage decodes. */
export const IMAGE_EXTENSIONS = Object.freeze(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

/** torchvision also takes these, but sharp cannot decode them: refused up front rather than failing mid-epoch. */
const UNDECODABLE_EXTENSIONS = new Set(['.bmp', '.ppm', '.pgm', '.pbm']);

/** Python's string order (by code point), which torchvision's sorted() uses; JS's < compares UTF-16 units. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // a broken link: listed as a file, so get() names it if it has an image extension
  }
}

/**
 * Every file below `dir` in torchvision's order (`sorted(os.walk(dir, followlinks=True))`,
 * then sorted names in each folder). Folders reached twice through links are walked once.
 */
async function walkFiles(dir: string, seen = new Set<string>()): Promise<string[]> {
  const real = await realpath(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  const folders: [string, string[]][] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const files: string[] = [];
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const folder = entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(path)));
      if (!folder) {
        files.push(entry.name);
        continue;
      }
      const target = await realpath(path);
      if (seen.has(target)) continue;
      seen.add(target);
      pending.push(path);
    }
    folders.push([current, files.sort(byCodePoint)]);
  }
  folders.sort((a, b) => byCodePoint(a[0], b[0]));
  return folders.flatMap(([folder, files]) => files.map((f) => join(folder, f)));
}

export class ImageFolder implements Dataset {
  readonly channels = 3;
  readonly size = null;

  private constructor(
    readonly root: string,
    readonly classes: readonly string[],
    /** Image paths in sample order. */
    readonly files: readonly string[],
    readonly labels: Int32Array,
    private readonly readOptions: ReadImageOptions,
  ) {}

  /** Lists `root`'s class folders and their images; DatasetError when the folder, a class or every image is missing. */
  static async open(root: string, opts: ReadImageOptions = {}): Promise<ImageFolder> {
    if (!(await isDirectory(root))) throw new DatasetError(`image folder ${root} does not exist or is not a folder`);
    // Hidden folders (.git, .ipynb_checkpoints) are tool droppings, not classes.
    const names: string[] = [];
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (
        !entry.name.startsWith('.') &&
        (entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(join(root, entry.name)))))
      )
        names.push(entry.name);
    }
    if (names.length === 0)
      throw new DatasetError(`${root} has no class subfolders (expected one folder of images per class)`);
    const classes = names.sort(byCodePoint);
    const files: string[] = [];
    const labels: number[] = [];
    const empty: string[] = [];
    for (const [label, name] of classes.entries()) {
      const images = (await walkFiles(join(root, name))).filter((f) => {
        const ext = extname(f).toLowerCase();
        if (UNDECODABLE_EXTENSIONS.has(ext))
          throw new DatasetError(
            `${f}: ${ext} images cannot be decoded here (sharp reads ${IMAGE_EXTENSIONS.join(' ')}); convert it, e.g. to PNG`,
          );
        return IMAGE_EXTENSIONS.includes(ext);
      });
      if (images.length === 0) empty.push(name);
      for (const f of images) {
        files.push(f);
        labels.push(label);
      }
    }
    if (empty.length > 0) {
      throw new DatasetError(
        `${root}: no image files for the class(es) ${empty.join(', ')}; images need one of the extensions ${IMAGE_EXTENSIONS.join(' ')}`,
      );
    }
    return new ImageFolder(root, Object.freeze(classes), Object.freeze(files), Int32Array.from(labels), opts);
  }

  get length(): number {
    return this.files.length;
  }

  /** Decodes one image; a missing, unreadable or corrupt file rejects with a DatasetError naming it. */
  async get(index: number): Promise<Sample> {
    checkIndex(index, this.length);
    const file = this.files[index];
    try {
      return { image: await readImage(file, this.readOptions), label: this.labels[index] };
    } catch (e) {
      if (e instanceof ImageError) throw new DatasetError(e.message, { cause: e });
      throw e;
    }
  }
}
