// Vite's `?raw` imports give a file's text in both test runtimes, where workerd has no file system.
declare module '*?raw' {
  const text: string;
  export default text;
}
