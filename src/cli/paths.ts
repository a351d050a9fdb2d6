/** Files that ship with the package, found relative to the built CLI (dist/cli/ → package root). */
import { fileURLToPath } from 'node:url';

export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
export const bundledData = fileURLToPath(new URL('../../data/promotion.csv', import.meta.url));
