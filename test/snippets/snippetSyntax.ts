// Reads VS Code snippet syntax back (tab stops, placeholders, variables, escapes), following the grammar in VS Code's
// "Snippet syntax" documentation, so tests can check what VS Code would insert for a snippet string.

export interface DecodedSnippet {
  /** The inserted text, every placeholder replaced by its default. */
  text: string;
  tabStops: { index: number; placeholder: string }[];
  /** Variables such as $TM_FILENAME: VS Code would substitute these, so a connection snippet must have none. */
  variables: string[];
}

export function decodeSnippet(snippet: string): DecodedSnippet {
  const tabStops: DecodedSnippet['tabStops'] = [];
  const variables: string[] = [];
  let i = 0;

  function parse(nested: boolean): string {
    let out = '';
    while (i < snippet.length) {
      const c = snippet[i]!;
      if (c === '\\') {
        const next = snippet[i + 1];
        if (next === '$' || next === '}' || next === '\\') {
          out += next;
          i += 2;
        } else {
          out += c;
          i += 1;
        }
      } else if (c === '}' && nested) {
        return out;
      } else if (c === '$') {
        const rest = snippet.slice(i + 1);
        let m: RegExpExecArray | null;
        if ((m = /^\d+/.exec(rest))) {
          tabStops.push({ index: Number(m[0]), placeholder: '' });
          i += 1 + m[0].length;
        } else if ((m = /^\{(\d+)(:|\})/.exec(rest))) {
          i += 1 + m[0].length;
          let placeholder = '';
          if (m[2] === ':') {
            placeholder = parse(true);
            if (snippet[i] !== '}') throw new Error(`unclosed placeholder \${${m[1]}: at ${i}`);
            i += 1;
          }
          tabStops.push({ index: Number(m[1]), placeholder });
          out += placeholder;
        } else if ((m = /^\{?([_a-zA-Z][_a-zA-Z0-9]*)/.exec(rest))) {
          variables.push(m[1]!);
          i += 1 + m[0].length;
        } else {
          out += c;
          i += 1;
        }
      } else {
        out += c;
        i += 1;
      }
    }
    return out;
  }

  const text = parse(false);
  return { text, tabStops, variables };
}
