// Vite's `?raw` suffix imports a file's text (tests that check source-level facts, e.g. the router's mounts).
declare module "*?raw" {
  const text: string;
  export default text;
}
