// Makes the marketplace icon (media/icon.png, 128×128) from the activity-bar glyph media/choreo.svg: the glyph, drawn
// white, on a rounded square of the brand colour. Run after changing the glyph; the PNG is committed (vsce needs a
// PNG, and packaging must not depend on a rasteriser). Needs rsvg-convert (Debian: librsvg2-bin).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const glyph = readFileSync('media/choreo.svg', 'utf8');
const inner = glyph.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
const attributes = glyph
  .match(/^<svg([^>]*)>/)[1]
  .replace(/\s(xmlns|width|height|viewBox)="[^"]*"/g, '')
  .replace(/currentColor/g, '#ffffff');
// The glyph's 24-unit box, scaled to 88 of 128 pixels and centred.
const icon = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
<rect width="128" height="128" rx="24" fill="#1f4e79"/>
<g transform="translate(20 20) scale(3.6667)"${attributes}>${inner}</g>
</svg>
`;
const work = mkdtempSync(path.join(tmpdir(), 'choreo-icon-'));
try {
  writeFileSync(path.join(work, 'icon.svg'), icon);
  execFileSync('rsvg-convert', ['-w', '128', '-h', '128', '-o', 'media/icon.png', path.join(work, 'icon.svg')]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log('media/icon.png written (128×128) from media/choreo.svg');
