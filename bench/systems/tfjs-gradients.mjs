/**
 * tfjs-core's Node bundle registers no gradients (the @tensorflow/tfjs umbrella does it in its
 * own bundle), and the ESM file that registers them imports its siblings without file extensions,
 * which Node's ESM loader refuses. This resolve hook adds the ".js" for those files only; the
 * gradients land in tfjs's global registry, which the Node bundle shares.
 */
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (context.parentURL && context.parentURL.includes('/@tensorflow/tfjs-core/dist/') && specifier.startsWith('.') && !specifier.endsWith('.js')) {
    try { return await next(specifier + '.js', context); } catch { return next(specifier + '/index.js', context); }
  }
  return next(specifier, context);
}`));
