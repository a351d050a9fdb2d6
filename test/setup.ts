/**
 * Property tests run with a fixed seed so that CI is reproducible; FAST_CHECK_SEED picks another
 * (a failure prints the seed and path to replay it).
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FAST_CHECK_SEED ?? 20261123) });
