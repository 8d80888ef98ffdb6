// Snippet templates are data files bundled as text (esbuild `loader: { '.tmpl': 'text' }`).
declare module '*.tmpl' {
  const text: string;
  export default text;
}
