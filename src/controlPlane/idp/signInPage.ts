/**
 * The pages the authorization server shows a person: the sign-in form, and errors that must not redirect (an
 * unknown client or callback URL). Plain HTML and one inline style sheet: no script, no external asset, light and
 * dark by prefers-color-scheme. Every value placed in a page is HTML-escaped; the headers refuse framing
 * (clickjacking of the sign-in form) and scripts altogether.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #1b1f24; --muted: #57606a; --accent: #0b63c5; --border: #d0d7de; --error: #b42318; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --card: #161b22; --text: #e6edf3; --muted: #9da7b3; --accent: #1f6feb; --border: #30363d; --error: #ff7b72; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; background: var(--bg); color: var(--text); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { width: min(380px, 92vw); background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 28px; }
h1 { font-size: 20px; margin: 0 0 4px; }
p { margin: 0 0 16px; color: var(--muted); }
label { display: block; font-weight: 600; margin: 12px 0 4px; }
input[type=text], input[type=password] { width: 100%; padding: 8px 10px; border: 1px solid var(--border); border-radius: 6px; background: var(--bg); color: var(--text); font: inherit; }
button { margin-top: 20px; width: 100%; padding: 9px; border: 0; border-radius: 6px; background: var(--accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
.error { color: var(--error); margin: 12px 0 0; }
.note { font-size: 13px; margin-top: 18px; }
strong { color: var(--text); }
`;
const CSS_HASH = createHash('sha256').update(CSS).digest('base64');

/** `formTarget`: where the form's answer may redirect (CSP form-action covers redirects after a form post). */
export function sendPage(
  res: ServerResponse,
  status: number,
  title: string,
  body: string,
  formTargets: string[] = [],
  headers: Record<string, string> = {},
): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main>${body}</main></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'content-security-policy': [
      "default-src 'none'",
      `style-src 'sha256-${CSS_HASH}'`,
      `form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...headers,
  });
  res.end(html);
}

export interface SignInPageValues {
  action: string;
  interaction: string;
  csrf: string;
  appName: string;
  environmentName: string;
  orgName: string;
  username?: string;
  error?: string;
}

export function signInPageBody(v: SignInPageValues): string {
  const e = escapeHtml;
  return `<h1>Sign in</h1>
<p><strong>${e(v.appName)}</strong> asks you to sign in with a test user of <strong>${e(v.orgName)}</strong> in <strong>${e(v.environmentName)}</strong>.</p>
<form method="post" action="${e(v.action)}">
<input type="hidden" name="interaction" value="${e(v.interaction)}">
<input type="hidden" name="csrf" value="${e(v.csrf)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required autofocus value="${e(v.username ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
${v.error ? `<p class="error" role="alert">${e(v.error)}</p>` : ''}
<button type="submit">Sign in</button>
</form>
<p class="note">Choreo's built-in identity provider: test users only, not for production.</p>`;
}

export function messageBody(title: string, message: string): string {
  return `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`;
}
