/**
 * A person's browser, as far as the authorization server can tell: it keeps cookies, follows nothing on its own,
 * reads the sign-in page's form and posts it back. `address`: the loopback address it connects from (127.0.0.2 is
 * another person's machine to the server).
 */
import * as http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  location?: string;
}

export class SignInBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly address = '127.0.0.1') {}

  request(url: string, method = 'GET', form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method,
          localAddress: this.address,
          headers: {
            ...(cookie && { cookie }),
            ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) }),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            for (const set of res.headers['set-cookie'] ?? []) {
              const [pair, ...attrs] = set.split(';');
              const eq = pair.indexOf('=');
              const name = pair.slice(0, eq).trim();
              const value = pair.slice(eq + 1).trim();
              if (value === '' || attrs.some((a) => /max-age=0$/i.test(a.trim()))) this.cookies.delete(name);
              else this.cookies.set(name, value);
            }
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), location: res.headers.location });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The hidden fields and the action of the sign-in form on this page. */
  static form(html: string): { action: string; interaction: string; csrf: string } {
    const value = (name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1] ?? '';
    return { action: html.match(/<form method="post" action="([^"]*)"/)?.[1] ?? '', interaction: value('interaction'), csrf: value('csrf') };
  }

  /** Opens the authorization URL; when the sign-in page comes, signs in. Answers the last answer (a redirect to the
   * app, or a page). `headers` go with both requests (e.g. the X-Forwarded-For a reverse proxy adds). */
  async signIn(authorizationUrl: string, username: string, password: string, headers: Record<string, string> = {}): Promise<Answer> {
    const page = await this.request(authorizationUrl, 'GET', undefined, headers);
    if (page.status !== 200) return page;
    const { action, interaction, csrf } = SignInBrowser.form(page.body);
    return this.request(new URL(action, authorizationUrl).href, 'POST', { interaction, csrf, username, password }, headers);
  }
}
