// Vite's `import.meta.glob`, which gives the vendored vector files' text in both test runtimes (workerd has no
// file system).
interface ImportMeta {
  glob<T = unknown>(
    pattern: string | string[],
    options: { query?: string; import?: string; eager: true },
  ): Record<string, T>;
}
