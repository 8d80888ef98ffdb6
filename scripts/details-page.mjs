// Writes the details page that ships (dist/details-page.md) from MARKETPLACE.md, each picture inlined as a data: URI.
// VS Code shows an installed extension's details page in a webview whose policy loads images only from https: and
// data:, so a picture linked as a file of the package stays blank (seen in the packaged-extension e2e), and there is
// no https host for them yet. Once there is a repository, link them there (vsce --baseImagesUrl) instead.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';

const source = readFileSync('MARKETPLACE.md', 'utf8');
const page = source.replace(
  /!\[([^\]]*)\]\(([^)\s]+\.png)\)/g,
  (_all, alt, file) => `![${alt}](data:image/png;base64,${readFileSync(file).toString('base64')})`,
);
mkdirSync('dist', { recursive: true });
writeFileSync('dist/details-page.md', page);
