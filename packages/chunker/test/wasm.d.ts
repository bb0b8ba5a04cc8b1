// What a `.wasm` import gives in workerd (wrangler and the vitest plugin bundle it as a compiled module).
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
