/** Images in a browser: decoded by the browser itself (createImageBitmap). */
export { readImage } from '../../browser/image.js';
