// Module types for files wrangler bundles by rule (wrangler.toml [[rules]]):
// fonts are Data modules (ArrayBuffer); .wasm is a compiled module, because
// workerd refuses to compile WebAssembly from bytes at run time.
declare module "*.woff" {
  const data: ArrayBuffer;
  export default data;
}

declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

// mediabunny's package entry pulls in Node-only code under workerd; its
// self-contained ESM bundle works, and has the package's API.
declare module "*/mediabunny/dist/bundles/mediabunny.mjs" {
  export * from "mediabunny";
}

// jpeg-js's encoder on its own (the package entry also bundles its decoder).
declare module "jpeg-js/lib/encoder.js" {
  import { encode } from "jpeg-js";
  export default encode;
}
