// Vite's `?raw` imports (a file's text), as the tests use them: wrangler.toml, which the worker
// cannot read, checked against the constants that mirror it.
declare module '*?raw' {
  const text: string;
  export default text;
}
