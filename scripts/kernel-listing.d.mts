/** Types of kernel-listing.mjs, for the test that imports it. */
export declare const LISTING: string;
export declare function kernelListing(modules: { title: string; bytes: Uint8Array }[]): Promise<string>;
export declare function kernelModules(builders: {
  gemmModuleBytes: (shared: boolean) => Uint8Array;
  simd221ModuleBytes: () => Uint8Array;
}): { title: string; bytes: Uint8Array }[];
