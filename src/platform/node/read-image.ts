/** Images in Node: files or bytes decoded by sharp. */
export { readImage } from '../../data/image-sharp.js';
