// Headless Debian chromium driven by playwright-core: the "person" in front of the test VS Code.
import { chromium, type Browser } from 'playwright-core';
import { onCleanup } from './processes';

const CHROMIUM = process.env.CHOREO_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  onCleanup(() => browser.close().catch(() => undefined));
  return browser;
}
